"""Demo accounts: the platform admin (password `demo-wachtwoord`)."""

from __future__ import annotations

from events.accounts import service as accounts
from events.accounts.tables import Role

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_USERS = [
    ("admin@events.local", Role.ADMIN, "Beheerder"),
    ("organisator@weerbareoverheid.nl", Role.ORGANISER, "Programmateam Weerbare overheid"),
    ("organisator@cot.nl", Role.ORGANISER, "COT Instituut voor Veiligheids- en Crisismanagement"),
]


async def load(context) -> None:
    made = 0
    for email, role, name in DEMO_USERS:
        user = await accounts.user_by_email(email)
        if user is None:
            user = await accounts.create_user(email, role, password=DEMO_PASSWORD, name=name)
            made += 1
        context.refs[f"user:{email}"] = user.id
    context.report.append(f"accounts: {made} new users (password for all: {DEMO_PASSWORD})")
