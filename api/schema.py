"""The OpenAPI document's error answers, the same for every operation (drf-spectacular hook)."""

ERROR = {
    "type": "object",
    "description": 'DRF:s felform: {"detail": "…"} eller {"fält": ["…"]}, på svenska.',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Ogiltig fråga: parametrar eller innehåll (fält → meddelanden).",
    "401": "Ingen giltig nyckel eller inloggning.",
    "403": "Nyckeln eller användaren får inte göra det.",
    "404": "Finns inte, eller inte för dig.",
    "429": "För många förfrågningar med nyckeln; se Retry-After.",
}


def error_responses(result, generator, request, public):
    """Every operation may answer the errors above; a GET also 304 to a matching If-None-Match."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": description, "content": reference})
            if method == "get":
                responses.setdefault("304", {"description": "Oförändrad sedan ETag:en."})
    return result
