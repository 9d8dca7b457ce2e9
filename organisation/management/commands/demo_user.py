import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or reset the demo administrator and print its login (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument(
            "--port", type=int, default=8000, help="the port runserver listens on (make run's PORT)"
        )

    def handle(self, *args, username, port, **options):
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login (superuser) at http://127.0.0.1:{port}/ — "
                f"username: {username}  password: {password}"
            )
        )
