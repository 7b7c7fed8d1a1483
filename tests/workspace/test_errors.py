"""The workspace's refusals: one status and code each in pulso.web.errors.ERRORS, messages in
Spanish with English in the catalog (the same text the web shows)."""

from __future__ import annotations

import pytest

from pulso import workspace as ws
from pulso.i18n import translator
from pulso.web.errors import classify


@pytest.mark.parametrize("error, status, code", [
    (ws.InputError("Falta '{field}'", "name", field="name"), 422, "invalid_input"),
    (ws.NotFoundError("No hay ningún registro '{id}' en {table}", "id", id="d1", table="deals"), 404, "not_found"),
    (ws.ForbiddenError("Tu rol es de solo lectura: no puedes modificar registros", "role"), 403, "forbidden"),
    (ws.OutOfScopeError("'{owner}' no está dentro de tu alcance", "owner_id", owner="u3"), 403, "out_of_scope"),
    (ws.StateError("La oportunidad ya está cerrada", "status"), 409, "conflict"),
    (ws.SurveyLinkError("Este enlace de encuesta caducó", "token"), 410, "survey_link_gone"),
])
def test_each_refusal_has_its_status_and_code(error, status, code):
    assert classify(error)[:2] == (status, code)
    assert error.code == code


def test_messages_are_spanish_and_translated_for_the_reader():
    error = ws.InputError("'{field}' es demasiado largo (máximo {limit} caracteres)", "name", field="name", limit=200)
    assert str(error) == "'name' es demasiado largo (máximo 200 caracteres)"
    assert error.message(translator("en", strict=True)) == "'name' is too long (at most 200 characters)"
    huge = ws.InputError("'{value}' no es un importe", "amount", value="9" * 5000)
    assert len(str(huge)) < 80                                          # a huge value is cut short
