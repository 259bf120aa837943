"""`events check-links` in the terminal: a progress bar while checking, then a table of the broken links."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from events.kernel.clock import Clock
from events.resources.linkcheck import check_all_links


async def run_check_links(
    clock: Clock, concurrency: int, request_timeout: float, max_redirects: int, only_broken: bool,
    allow_private: bool = False,
) -> int:
    """Returns the number of broken links (the command exits non-zero when there are any)."""
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]links"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[broken]} broken"),
        TimeElapsedColumn(), console=console,
    )
    broken = 0
    with progress:
        task = progress.add_task("links", total=0, broken=0)

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_done(_row, result) -> None:
            nonlocal broken
            broken += result.broken
            progress.update(task, advance=1, broken=broken)

        results = await check_all_links(
            clock.now, concurrency=concurrency, request_timeout=request_timeout, max_redirects=max_redirects,
            only_broken=only_broken, allow_private=allow_private, on_start=on_start, on_done=on_done,
        )
    out = Console()
    if broken:
        table = Table(title=f"{broken} broken link(s)")
        for column in ("id", "title", "url", "status", "error", "ms"):
            table.add_column(column)
        for row, result in sorted(results, key=lambda pair: pair[0]["id"]):
            if result.broken:
                table.add_row(str(row["id"]), row["title"], row["url"], str(result.status or "—"), result.error,
                              str(result.elapsed_ms))
        out.print(table)
    out.print(f"checked {len(results)} link(s): {len(results) - broken} fine, {broken} broken")
    return broken
