"""The kernel: what every domain may use — settings, clock, errors, tokens, the database, languages, text checks,
spreadsheets, local times and the template environment. It imports no domain and nothing of `events.web`."""
