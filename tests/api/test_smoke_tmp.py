import json
import pytest
from api.services import token_create

@pytest.mark.django_db
def test_smoke(seed, superuser, client, reader):
    _t, key = token_create(user=reader, name="x", days=30)
    h = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for url in ["/api/v1/areas/", "/api/v1/items/?page_size=2", "/api/v1/roles/", "/api/v1/units/", "/api/v1/people/?page_size=2",
                "/api/v1/assignments/?unit=arstaviken&page_size=2", "/api/v1/versions/",
                "/api/v1/support-chain/?unit=arstaviken&kind=teknik",
                "/api/v1/search/?q=Skolplattform&unit=arstaviken", "/api/v1/search/?q=skrivaren+fungerar+inte&unit=arstaviken",
                "/api/v1/assignments/?unit=nope", "/api/schema/", "/api/docs/", "/api/v1/units/nope/"]:
        r = client.get(url, **h)
        print(url, r.status_code, r.headers.get("ETag"), r.content[:700].decode(errors="replace"))
    r = client.get("/api/v1/areas/")
    print("anon", r.status_code, r.content)
    r = client.post("/api/v1/assignments/", {}, content_type="application/json", **h)
    print("ro post", r.status_code, r.content)
    v = json.loads(client.get("/api/v1/versions/", **h).content)
    if v["results"]:
        r = client.get(f"/api/v1/versions/compare/?before={v['results'][0]['id']}", **h)
        print("compare", r.status_code, r.content[:500])
