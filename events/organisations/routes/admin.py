"""The platform admin's organisations: the list, and a new organisation with its first owner (invited by mail)."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel.errors import RuleViolation
from events.organisations import service
from events.web.auth import admin_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.forms import translated
from events.web.i18n import language_of


class NewOrganisationForm(Struct):
    name: str = ""
    slug: str = ""
    owner_email: str = ""


async def _list_page(request: Request, errors=None, values=None, status: int = 200) -> Template:
    return Template(
        "organisations/admin.html",
        context={"organisations": await service.all_organisations(), "errors": translated(request, errors),
                 "values": values or {}, "done": request.query_params.get("done")},
        status_code=status,
    )


@get("/admin/organisations", guards=[admin_guard], include_in_schema=False)
async def organisations_page(request: Request) -> Template:
    return await _list_page(request)


@post("/admin/organisations", guards=[admin_guard], include_in_schema=False)
async def create_form(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[NewOrganisationForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    try:
        await service.create_with_first_owner(
            data.name, data.slug or None, data.owner_email, current_user, clock.now(), settings.base_url,
            language_of(request),
        )
    except RuleViolation as refusal:
        values = {name: getattr(data, name) for name in data.__struct_fields__}
        return await _list_page(request, refusal.errors, values, status=refusal.status_code)
    return Redirect(path="/admin/organisations?done=created", status_code=303)


ROUTES = [organisations_page, create_form]
