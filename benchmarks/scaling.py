"""The sandbox's RQL lists at scale 1 against scale 100: same query, same page."""

from pathlib import Path

from benchmarks.clients import Rest
from benchmarks.measure import alternate
from benchmarks.report import Section
from benchmarks.servers import sandbox, seeded_file, tokens_of

# (label, path and query); {account} is the Client demo account, present at every
# scale, so both sides filter on the same id.
QUERIES = (
    (
        "buyers by status, by name desc",
        "/buyers?eq(status,Active)&order=-name&limit=20",
    ),
    (
        "buyers of one account, by name desc",
        "/buyers?eq(account.id,{account})&order=-name&limit=20",
    ),
    (
        "licensees of one account, by name desc",
        "/licensees?eq(account.id,{account})&order=-name&limit=20",
    ),
    ("ERP links, first page", "/erp-links?limit=20"),
)
SMALL, LARGE = 1, 100


def sandbox_scaling(workdir: Path, quick: bool) -> Section:
    """Time each query on both scales, alternating, one sandbox process each."""
    section = Section(
        f"sandbox scaling: the same RQL list at --scale {SMALL} and --scale {LARGE}",
        ["query", f"scale {SMALL} ms", f"scale {LARGE} ms", "ratio"],
    )
    token = tokens_of(seeded_file(SMALL))["Operations"]
    with sandbox(SMALL, workdir) as small, sandbox(LARGE, workdir) as large:
        small_rest, large_rest = Rest(small.url, token), Rest(large.url, token)
        client = small_rest.get("/accounts?eq(type,Client)&order=name&limit=1")
        account = client["data"][0]["id"]
        for label, template in QUERIES:
            query = template.format(account=account)
            totals = [
                rest.get(query)["$meta"]["pagination"]["total"]
                for rest in (small_rest, large_rest)
            ]
            times = alternate(
                {
                    "small": lambda q=query: small_rest.get(q),
                    "large": lambda q=query: large_rest.get(q),
                },
                30 if quick else 150,
                warmup=5,
            )
            ratio = times["large"].median / times["small"].median
            section.rows.append(
                [label, str(times["small"]), str(times["large"]), f"{ratio:.2f}"]
            )
            section.data[label] = {
                "query": query,
                "matching": {"small": totals[0], "large": totals[1]},
                "small": times["small"].as_dict(),
                "large": times["large"].as_dict(),
                "ratio": ratio,
            }
            section.notes.append(
                f"{label}: `GET {query}` matches {totals[0]} / {totals[1]}"
            )
            section.check(
                f"sandbox x{LARGE} scale: {label}", f"{ratio:.2f}x", "<= 2x", ratio <= 2
            )
        small_rest.close()
        large_rest.close()
    return section
