"""Hand-picked hostile input that once produced 5xx: ids no table can hold."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/api/resources/99999999999999999999999", "/api/resources/2147483648",
                                  "/api/sessions/-99999999999999/materials"])
async def test_ids_beyond_any_table_are_not_found(client, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_impossible_ids_in_pages_show_the_not_found_page(organiser_client):
    response = await organiser_client.get("/organiser/resources/99999999999999999999/edit")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
