"""Demo organisations: the Ministerie van BZK (the conference), the COT (the webinar) and Gemeente Gouda (the
festival), each with an owner and an editor, and a viewer at BZK (password `demo-wachtwoord`). Idempotent by slug and e-mail. Puts
`organisation:<slug>` -> id in `context.refs` for the programme's demo events."""

from __future__ import annotations

from events.accounts import service as accounts
from events.accounts.demo import DEMO_PASSWORD
from events.organisations import service
from events.organisations.tables import OrgRole

# slug, name, contact, website, [(e-mail, name, role)]
ORGANISATIONS = [
    ("ministerie-van-bzk", "Ministerie van BZK", "weerbareoverheid@minbzk.example.nl", "https://www.weerbareoverheid.nl", [
        ("organisator@weerbareoverheid.nl", "Programmateam Weerbare overheid", OrgRole.OWNER),
        ("redacteur@weerbareoverheid.nl", "Redactie Weerbare overheid", OrgRole.EDITOR),
        ("meelezer@weerbareoverheid.nl", "Lezer Weerbare overheid", OrgRole.VIEWER),
    ]),
    ("cot", "COT Instituut voor Veiligheids- en Crisismanagement", "webinars@cot.example.nl", "https://www.cot.nl", [
        ("organisator@cot.nl", "COT Instituut voor Veiligheids- en Crisismanagement", OrgRole.OWNER),
        ("redacteur@cot.nl", "Redactie COT", OrgRole.EDITOR),
    ]),
    ("gemeente-gouda", "Gemeente Gouda", "weerbaarheid@gouda.example.nl", "https://www.gouda.nl", [
        ("organisator@gouda.example.nl", "Team Veiligheid Gemeente Gouda", OrgRole.OWNER),
        ("redacteur@gouda.example.nl", "Communicatie Gemeente Gouda", OrgRole.EDITOR),
    ]),
]


async def _member(organisation_id: int, email: str, name: str, role: OrgRole, context) -> bool:
    account = await accounts.account_for_email(email)
    made = account is None
    user = account.user if account else await accounts.create_user(email, "organiser", password=DEMO_PASSWORD, name=name)
    context.refs[f"user:{email}"] = user.id
    if await service.role_in(user.id, organisation_id) is None:
        await service.add_member(organisation_id, user.id, role, context.now, actor_label="events demo")
    return made


async def load(context) -> None:
    made_organisations = made_people = 0
    for slug, name, contact, website, members in ORGANISATIONS:
        organisation = await service.organisation_by_slug(slug)
        if organisation is None:
            organisation = await service.create_organisation(
                {"name": name, "contact_email": contact, "website": website}, context.now, slug=slug,
                actor_label="events demo",
            )
            made_organisations += 1
        context.refs[f"organisation:{slug}"] = organisation.id
        for email, person, role in members:
            made_people += await _member(organisation.id, email, person, role, context)
    context.report.append(
        f"organisations: {made_organisations} new organisations, {made_people} new team members "
        f"(owners organisator@…, editors redacteur@…, BZK's viewer meelezer@weerbareoverheid.nl)"
    )
