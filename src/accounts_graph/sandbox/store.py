"""The sandbox's SQLite store: one table per resource, each object a JSON document.

References are stored as `{"id": ...}` only and filled in with the target's core
fields when read (see `shaping.py`), so renaming an account never leaves stale copies
behind. Expression indexes on the paths lists filter and sort by keep RQL lists fast
at 100k rows.

Writers: the file is in WAL mode, so reads never wait for a writer and a writer
never waits for readers. Every write transaction starts with BEGIN IMMEDIATE,
taking SQLite's write lock before it reads what it will change: two updates of
one object run one after the other, each on the other's result, and none fails
half-way with SQLITE_BUSY on upgrading a read lock. Threads of one process queue
on a lock first; other processes on the same file wait up to `busy_timeout`,
after which the write is refused with `StoreBusy` (the API's 503), never half done.
"""

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from accounts_graph.platform.resources import RESOURCES, Resource
from accounts_graph.sandbox.rql_sql import install

Document = dict[str, Any]

# Paths that lists filter or sort by most: the reference ids that one-to-many
# relations batch on, and the usual status/name/created filters.
_INDEXES: tuple[tuple[str, ...], ...] = (
    ("account.id",),
    ("buyer.id",),
    ("seller.id",),
    ("user.id",),
    ("status",),
    ("name",),
    ("audit.created.at",),
    ("externalId",),
    # A filter with a sort: the index hands over a page in order, where one on
    # the filter alone makes SQLite sort every match to return twenty.
    ("status", "name"),
    ("status", "audit.created.at"),
    ("account.id", "name"),
)


# How long a write waits for another process's write lock before giving up.
BUSY_TIMEOUT = 30.0


class StoreBusy(Exception):
    """Another process held the write lock longer than the busy timeout."""


def table_of(resource: Resource) -> str:
    """Return the table that holds a resource."""
    return resource.collection.replace("-", "_")


class Store:
    """Documents of every resource in one SQLite file.

    Each thread gets its own connection: Starlette runs the sandbox's handlers in
    a thread pool, and SQLite connections must not be shared across threads.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = str(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        # Reentrant: a transaction opened inside another joins it (see
        # `transaction`), on the thread that holds the lock.
        self._write_lock = threading.RLock()
        self._ensure_schema()

    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection, opening it on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None
            )
            conn.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL loses no committed transaction when the process
            # dies (the WAL is written before COMMIT returns); only a power cut
            # or an OS crash may take back the last ones, which a sandbox accepts
            # for not waiting on fsync at every commit.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            install(conn)
            self._local.conn = conn
        return conn

    def _ensure_schema(self) -> None:
        conn = self.connection()
        with self.transaction():
            for resource in RESOURCES:
                table = table_of(resource)
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} "
                    "(id TEXT PRIMARY KEY, doc TEXT NOT NULL)"
                )
                for paths in _INDEXES:
                    if any(p.split(".")[0] not in resource.by_name for p in paths):
                        continue
                    name = "ix_" + "__".join([table, *paths]).replace(".", "_")
                    columns = ", ".join(f"json_extract(doc, '$.{p}')" for p in paths)
                    conn.execute(
                        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"
                    )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS icons (collection TEXT, id TEXT, "
                "content_type TEXT NOT NULL, data BLOB NOT NULL, "
                "PRIMARY KEY (collection, id))"
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a write transaction that takes SQLite's write lock up front.

        A transaction opened while this thread is already in one joins it: its
        changes commit or roll back with the outer one.

        Raises:
            StoreBusy: another process kept the write lock past the busy timeout;
                nothing was written.
        """
        conn = self.connection()
        with self._write_lock:
            if conn.in_transaction:
                yield conn
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
                raise StoreBusy(str(error)) from error
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = (
            self.connection()
            .execute("SELECT value FROM meta WHERE key = ?", (key,))
            .fetchone()
        )
        return None if row is None else str(row[0])

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def insert_many(
        self, conn: sqlite3.Connection, resource: Resource, docs: Iterable[Document]
    ) -> None:
        conn.executemany(
            f"INSERT INTO {table_of(resource)} (id, doc) VALUES (?, ?)",
            ((doc["id"], json.dumps(doc, separators=(",", ":"))) for doc in docs),
        )

    def put(self, conn: sqlite3.Connection, resource: Resource, doc: Document) -> None:
        conn.execute(
            f"INSERT INTO {table_of(resource)} (id, doc) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            (doc["id"], json.dumps(doc, separators=(",", ":"))),
        )

    def delete(self, conn: sqlite3.Connection, resource: Resource, doc_id: str) -> None:
        conn.execute(f"DELETE FROM {table_of(resource)} WHERE id = ?", (doc_id,))

    def get(self, resource: Resource, doc_id: str) -> Document | None:
        """Return one stored document, or None."""
        row = (
            self.connection()
            .execute(f"SELECT doc FROM {table_of(resource)} WHERE id = ?", (doc_id,))
            .fetchone()
        )
        return None if row is None else _decode(row[0])

    def get_many(self, resource: Resource, ids: Iterable[str]) -> dict[str, Document]:
        """Return the stored documents of these ids that exist, by id."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Document] = {}
        # SQLite bounds the number of host parameters of one statement.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.connection().execute(
                f"SELECT id, doc FROM {table_of(resource)} WHERE id IN ({marks})",
                chunk,
            )
            found.update((row[0], _decode(row[1])) for row in rows)
        return found

    def select(
        self,
        resource: Resource,
        where: str,
        params: list[object],
        order: list[str],
        limit: int,
        offset: int,
    ) -> tuple[list[Document], int]:
        """Return one page of documents matching `where`, and the total count."""
        conn = self.connection()
        table = table_of(resource)
        total = conn.execute(
            f"SELECT count(*) FROM {table} t WHERE {where}", params
        ).fetchone()[0]
        if limit == 0 or offset >= total:
            return [], int(total)
        order_sql = ", ".join([*order, "t.id"])
        rows = conn.execute(
            f"SELECT t.doc FROM {table} t WHERE {where} "
            f"ORDER BY {order_sql} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_decode(row[0]) for row in rows], int(total)

    def exists(self, resource: Resource, where: str, params: list[object]) -> bool:
        row = (
            self.connection()
            .execute(
                f"SELECT 1 FROM {table_of(resource)} t WHERE {where} LIMIT 1", params
            )
            .fetchone()
        )
        return row is not None

    def count(self, resource: Resource) -> int:
        row = (
            self.connection()
            .execute(f"SELECT count(*) FROM {table_of(resource)}")
            .fetchone()
        )
        return int(row[0])

    def get_icon(self, collection: str, doc_id: str) -> tuple[str, bytes] | None:
        row = (
            self.connection()
            .execute(
                "SELECT content_type, data FROM icons WHERE collection = ? AND id = ?",
                (collection, doc_id),
            )
            .fetchone()
        )
        return None if row is None else (str(row[0]), bytes(row[1]))

    def put_icon(
        self,
        conn: sqlite3.Connection,
        collection: str,
        doc_id: str,
        content_type: str,
        data: bytes,
    ) -> None:
        conn.execute(
            "INSERT INTO icons (collection, id, content_type, data) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(collection, id) DO UPDATE SET "
            "content_type = excluded.content_type, data = excluded.data",
            (collection, doc_id, content_type, data),
        )

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def version_of(doc: Document) -> str:
    """Return a digest of an object's stored state, changed by every change to it."""
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode(), digest_size=12).hexdigest()


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(
        error
    )


def _decode(raw: str) -> Document:
    doc: Document = json.loads(raw)
    return doc
