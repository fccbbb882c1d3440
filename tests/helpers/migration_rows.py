"""Rows written straight into a database at an older revision, for the tests of the
migrations that convert them."""


def insert_row(connection, table: str, **given) -> None:
    """A row with ``given`` values, and a placeholder in every other required column."""
    values = {}
    for _cid, name, type_, not_null, default, primary_key in connection.execute(
        f"PRAGMA table_info({table})"
    ):
        if name in given:
            values[name] = given[name]
        elif not_null and default is None and not primary_key:
            kind = (type_ or "").upper()
            values[name] = (
                1
                if "INT" in kind or "BOOL" in kind
                else "2026-01-01 00:00:00.000000"
                if "DATETIME" in kind
                else "[]"
                if "JSON" in kind
                else "x"
            )
    marks = ", ".join("?" for _ in values)
    connection.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", list(values.values())
    )


def order_and_case(connection, case_id: int, **claim) -> None:
    insert_row(
        connection,
        "orders",
        id=case_id,
        amount_fen=19900,
        buyer_id=1,
        seller_id=2,
        marketplace_order_id=f"order-{case_id}",
    )
    insert_row(
        connection,
        "cases",
        id=case_id,
        order_id=case_id,
        buyer_id=1,
        seller_id=2,
        state="panel",
        claim_type="counterfeit",
        responsible_party="seller",
        severity="general",
        **claim,
    )
