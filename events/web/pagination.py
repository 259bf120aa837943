"""Pagination of the API's lists, one way for all of them.

A list operation takes `?page=` (1-based, default 1) and `?per_page=` (default 50, at most 200); a value out of
range or not a whole number answers 400 (problem details naming the parameter). The body stays what it was (a JSON
array; the webhook delivery log keeps its envelope), so no existing client breaks; the total and the way on are
headers: `X-Total-Count` (all matching items) and an RFC 8288 `Link` with `first`, `prev`, `next` and `last`.

In a handler: take `paging: PagingDep` and answer `paging.answer(items, total)` (the page's items, counted with one
query) or `paging.answer_all(every_item)` (a list read whole, sliced here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import Dependency, QueryParameter

from events.kernel.errors import RuleViolation

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
TOTAL_HEADER = "X-Total-Count"

PAGE_HEADERS = [
    ResponseHeader(name=TOTAL_HEADER, documentation_only=True,
                   description="How many items match, on all pages together"),
    ResponseHeader(name="Link", documentation_only=True,
                   description='RFC 8288 links to the other pages: `<…?page=2&per_page=50>; rel="next"` and '
                               '`first`, `prev`, `last`'),
]


@dataclass(frozen=True)
class Paging:
    """The page a request asked for, and how to answer with it."""

    page: int
    per_page: int
    path: str = ""
    query: tuple[tuple[str, str], ...] = ()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        return self.per_page

    def window(self, items: Sequence[Any]) -> list[Any]:
        return list(items[self.offset:self.offset + self.per_page])

    def headers(self, total: int) -> dict[str, str]:
        last = max(1, -(-total // self.per_page))
        links = [(1, "first")]
        if self.page > 1:
            links.append((min(self.page - 1, last), "prev"))
        if self.page < last:
            links.append((self.page + 1, "next"))
        links.append((last, "last"))
        return {TOTAL_HEADER: str(total), "Link": ", ".join(f'<{self._url(n)}>; rel="{rel}"' for n, rel in links)}

    def _url(self, page: int) -> str:
        kept = [(k, v) for k, v in self.query if k not in ("page", "per_page")]
        return f"{self.path}?{urlencode([*kept, ('page', str(page)), ('per_page', str(self.per_page))])}"

    def answer(self, items: Any, total: int, status_code: int = 200) -> Response:
        """The page's items as the body, the total and links as headers."""
        return Response(items, status_code=status_code, headers=self.headers(total))

    def answer_all(self, items: Sequence[Any]) -> Response:
        """A list read whole: this page of it."""
        return self.answer(self.window(items), len(items))


def _whole(name: str, raw: str | None, default: int, highest: int | None) -> int:
    if raw is None or raw == "":
        return default
    message = f"`{name}` must be a whole number from 1" + (f" to {highest}." if highest else " up.")
    try:
        value = int(raw)
    except ValueError:
        raise RuleViolation(message, {name: message}) from None
    if value < 1 or (highest is not None and value > highest) or not raw.strip().isdigit():
        raise RuleViolation(message, {name: message})
    return value


def parse_paging(request: Request, page: str | None, per_page: str | None) -> Paging:
    """The one parser: bad values are a 400 naming the parameter."""
    return Paging(
        page=_whole("page", page, 1, None),
        per_page=_whole("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE),
        path=request.url.path,
        query=tuple(request.query_params.items()),
    )


def provide_paging(
    request: Request,
    page: Annotated[str | None, QueryParameter(name="page", required=False, description="The page, from 1 (default 1)"
                                          )] = None,
    per_page: Annotated[str | None, QueryParameter(name="per_page", required=False,
                                              description=f"Items per page, 1 to {MAX_PER_PAGE} "
                                                          f"(default {DEFAULT_PER_PAGE})")] = None,
) -> Paging:
    return parse_paging(request, page, per_page)


PAGING = Provide(provide_paging, sync_to_thread=False)
PagingDep = Annotated[Paging, Dependency(skip_validation=True)]  # the parameter must be named `paging`
