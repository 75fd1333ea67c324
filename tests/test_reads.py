"""reads.Reads on the database URL as a user writes it: a libpq client parameter in the URL (connect_timeout)
is not sent to PostgreSQL as a server setting, which asyncpg does with any query parameter it does not know."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, String, bindparam, literal, make_url, select

from smartassist.reads import Reads


def test_a_read_through_a_url_with_connect_timeout(database_url: str, db_engine: Engine) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.update_query_dict({"connect_timeout": "3", "application_name": "smartassist-test"})
    reads = Reads(url.render_as_string(hide_password=False), db_engine)
    statement = select(literal(7).label("seven"), bindparam("word", type_=String()))

    async def read() -> list[tuple[object, ...]]:
        await reads.open()
        try:
            return [tuple(row) for row in await reads.rows(statement, {"word": "x"})]
        finally:
            await reads.close()

    assert asyncio.run(read()) == [(7, "x")]
