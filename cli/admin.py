"""The operator's commands of `terugkeer`: users and roles, the audit trail, deliveries and
their withdrawal, backup and restore of the store."""

from __future__ import annotations

import argparse
import json

from basis.settings import warehouse_path
from cli.common import EXIT_OK, CliError, _waiting, ensure_publication


def cmd_users(args: argparse.Namespace) -> int:
    from people import appdb

    engine = appdb.open_database(warehouse_path(args.warehouse))
    actor = appdb.os_user()
    if args.action == "add":
        try:
            user = appdb.add_user(engine, args.email, args.role, args.organisation, actor)
        except appdb.UserError as exc:
            raise CliError(str(exc)) from None
        print(f"{user['email']}: {user['role']}" + (f" ({user['organisation']})"
                                                   if user["organisation"] else ""))  # fmt: skip
    elif args.action == "remove":
        if not appdb.remove_user(engine, args.email, actor):
            raise CliError(f"no user {args.email.strip().lower()}")
        print(f"removed {args.email.strip().lower()}")
    else:
        for user in appdb.list_users(engine):
            print(f"{user['email']:<40} {user['role']:<15} {user['organisation'] or '':<10} "
                  f"added {user['added_at']:%Y-%m-%d %H:%M} by {user['added_by']}")  # fmt: skip
    return EXIT_OK


def cmd_tokens(args: argparse.Namespace) -> int:
    from people import appdb

    engine = appdb.open_database(warehouse_path(args.warehouse))
    actor = appdb.os_user()
    if args.action == "add":
        try:
            token_id, secret = appdb.add_token(engine, args.name, actor)
        except appdb.UserError as exc:
            raise CliError(str(exc)) from None
        print(f"token {token_id} for {args.name.strip()} (shown once, keep it safe):")
        print(secret)
    elif args.action == "revoke":
        if not appdb.revoke_token(engine, args.token_id, actor):
            raise CliError(f"no active token {args.token_id}")
        print(f"revoked token {args.token_id}")
    else:
        for token in appdb.list_tokens(engine):
            state = f"revoked {token['revoked_at']:%Y-%m-%d}" if token["revoked_at"] else "active"
            print(f"{token['token_id']:>4}  {token['name']:<40} {state:<18} "
                  f"{token['calls']:>8} calls  added {token['created_at']:%Y-%m-%d} by "
                  f"{token['created_by']}")  # fmt: skip
    return EXIT_OK


def cmd_deliveries(args: argparse.Namespace) -> int:
    from store.stewardship import list_deliveries

    snapshot = ensure_publication(warehouse_path(args.warehouse))
    if snapshot is None:
        raise CliError("no warehouse yet: run 'terugkeer ingest' first")
    from store.warehouse import connect

    con = connect(snapshot, read_only=True)
    try:
        rows = list_deliveries(con)
    finally:
        con.close()
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False, default=str))
        return EXIT_OK
    for r in rows:
        print(f"{r['delivery_id']:>5}  {r['status']:<10} {r['source'] or '':<9} "
              f"{r['supplier'] or '':<24} {r['delivery_date'] or '':<10} "
              f"{r['rows_loaded'] or 0:>9,}  {r['file_name']}")  # fmt: skip
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    from people import appdb
    from store import priority
    from store.build import build
    from store.publish import writer_lock
    from store.stewardship import StewardshipError, withdraw
    from store.warehouse import connect

    path = warehouse_path(args.warehouse)
    if not path.exists():
        raise CliError(f"no warehouse at {path}")
    actor = appdb.os_user()  # never a free argument: who runs the command
    with writer_lock(path, args.wait, _waiting(path), "withdraw"):
        con = connect(path)
        priority.share(con)
        try:
            try:
                done = withdraw(con, args.delivery_id, args.reason, actor)
            except StewardshipError as exc:
                raise CliError(str(exc)) from None
            build(con)
        finally:
            con.close()
    appdb.record(appdb.open_database(path), actor, "delivery_withdrawn", done["file_name"],
                 {"delivery": args.delivery_id, "reason": args.reason,
                  "rows_removed": done["rows_removed"]})  # fmt: skip
    print(f"withdrew delivery {args.delivery_id} ({done['file_name']}, "
          f"{done['rows_removed']:,} rows); rebuilt and published")  # fmt: skip
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from people import appdb
    from store.publish import writer_lock
    from store.stewardship import StewardshipError, backup

    path = warehouse_path(args.warehouse)
    with writer_lock(path, args.wait, _waiting(path), "backup"):
        try:
            manifest = backup(path, args.folder)
        except StewardshipError as exc:
            raise CliError(str(exc)) from None
    appdb.record(appdb.open_database(path), appdb.os_user(), "backup_made", str(args.folder))
    print(f"backup of {path} in {args.folder}: {', '.join(manifest['files'])}; application "
          f"database: {manifest['application_database']}")  # fmt: skip
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from people import appdb
    from store.build import build
    from store.publish import writer_lock
    from store.stewardship import StewardshipError, restore
    from store.warehouse import connect

    path = warehouse_path(args.warehouse)
    with writer_lock(path, args.wait, _waiting(path), "restore"):
        try:
            manifest = restore(args.folder, path)
        except StewardshipError as exc:
            raise CliError(str(exc)) from None
        con = connect(path)
        try:
            build(con)
        finally:
            con.close()
    appdb.record(appdb.open_database(path), appdb.os_user(), "backup_restored", str(args.folder))
    print(f"restored the backup of {manifest['made_at']} into {path} and published it")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from people import appdb

    engine = appdb.open_database(warehouse_path(args.warehouse))
    trail = appdb.audit_trail(engine, args.since, args.until, args.who)
    if args.json:
        print(json.dumps(trail, indent=1, ensure_ascii=False, default=str))
        return EXIT_OK
    for line in trail:
        print(f"{line['at']:%Y-%m-%d %H:%M:%S}  {line['actor']:<30} {line['action']:<22} "
              f"{line['target'] or ''}  {line['detail'] or ''}".rstrip())  # fmt: skip
    return EXIT_OK
