from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from registry.models import Item
from registry.search.evaluate import LIST_LENGTH, questions_evaluate, questions_read
from registry.seed.load import seed_load


class Command(BaseCommand):
    help = (
        "Ask the search every question of a question file (question<TAB>expected item[<TAB>…]) "
        "and print the share answered first, in the first three and in a list of at most "
        f"{LIST_LENGTH}, on the database in use (the seed is loaded first if it has no items)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the question file, e.g. tests/search/questions_tuning.tsv"
        )
        parser.add_argument(
            "--misses", action="store_true", help="also list the questions not answered first"
        )

    def handle(self, *args, file, misses, **options):
        try:
            questions = questions_read(file)
        except (OSError, ValueError) as error:
            raise CommandError(error) from error
        if not Item.objects.exists():
            seed_load()
            self.stdout.write("No items: loaded the seed.")
        result = questions_evaluate(questions)
        self.stdout.write(f"{file}: {result.questions} questions, database {connection.vendor}")
        for label, count in (
            ("top-1", result.first),
            ("top-3", result.top3),
            (f"in a list of ≤ {LIST_LENGTH}", result.listed),
        ):
            self.stdout.write(f"  {label}: {count}/{result.questions} ({result.rate(count):.0%})")
        if misses:
            for question, expected, got, rank in result.misses:
                where = "not listed" if rank is None else f"#{rank + 1}"
                self.stdout.write(f"  {where}: {question!r} wanted {expected[0]!r}, got {got}")
