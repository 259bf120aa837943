"""Demo accounts: an admin and the organisers of the scenario (password `demo-wachtwoord`)."""

from __future__ import annotations

from events.accounts import service as accounts
from events.accounts.tables import User

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_USERS = [
    ("admin@events.local", "admin", "Beheerder"),
    ("organisator@weerbareoverheid.nl", "organiser", "Programmateam Weerbare overheid"),
    ("organisator@cot.nl", "organiser", "COT Instituut voor Veiligheids- en Crisismanagement"),
]


async def load(context) -> None:
    made = 0
    for email, role, name in DEMO_USERS:
        row = await User.select(User.id).where(User.email == email).first()
        if row is None:
            user = await accounts.create_user(email, role, password=DEMO_PASSWORD, name=name)
            user_id = user.id
            made += 1
        else:
            user_id = row["id"]
        context.refs[f"user:{email}"] = user_id
    context.report.append(f"accounts: {made} new users (password for all: {DEMO_PASSWORD})")
