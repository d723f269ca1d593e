"""Refresh GraphiQL's vendored browser files from npm.

GraphiQL's page must work where no CDN can be reached, so the files it loads
ship in the package, under src/accounts_graph/static/graphiql/. This script
packs the pinned npm packages below (`npm pack`: nothing is installed or run),
copies their browser builds and licences, and writes `manifest.json`: versions,
tarball integrity, licences and the SRI hash of every file. The GraphiQL bundle
carries its dependencies inside; the packages its source map names are listed,
with their licences, in `graphiql/THIRD-PARTY-LICENSES.txt` (from an
`npm install --ignore-scripts` of the same version in a temporary folder).

To upgrade, change a version below and run `python scripts/graphiql_assets.py`.
A test runs it into a temporary folder and compares the result with the
committed files.
"""

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "accounts_graph" / "static" / "graphiql"
# Licences that let us ship a package's files beside ours, keeping its notice.
TOP_LEVEL_LICENCES = {"MIT"}
BUNDLED_LICENCES = {"MIT", "ISC", "0BSD", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0"}
NOTICES = "THIRD-PARTY-LICENSES.txt"


@dataclass(frozen=True)
class Vendored:
    """One npm package whose browser build the page loads."""

    name: str
    version: str
    # Path in the package → file name in its folder, in the page's load order.
    files: dict[str, str]
    # Source map of a bundle: the packages it names get their licences listed.
    bundle_map: str | None = None
    # A package published without its licence file takes it from this one, of
    # the same repository and copyright holder.
    licence_from: str | None = None
    folder: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", self.name.rsplit("/", 1)[-1])


PACKAGES = (
    # React 18: the last major published with UMD builds; GraphiQL 4 takes 18 or 19.
    Vendored(
        "react",
        "18.3.1",
        {"umd/react.production.min.js": "react.production.min.js"},
    ),
    Vendored(
        "react-dom",
        "18.3.1",
        {"umd/react-dom.production.min.js": "react-dom.production.min.js"},
    ),
    # GraphiQL 4: the last major published with a UMD bundle.
    Vendored(
        "graphiql",
        "4.1.2",
        {"graphiql.min.css": "graphiql.min.css", "graphiql.min.js": "graphiql.min.js"},
        bundle_map="graphiql.min.js.map",
    ),
    Vendored(
        "@graphiql/plugin-explorer",
        "4.0.6",
        {
            "dist/style.css": "plugin-explorer.css",
            "dist/index.umd.js": "plugin-explorer.umd.js",
        },
        licence_from="graphiql",
    ),
)


def sri(data: bytes) -> str:
    """Return the Subresource Integrity value of `data` (sha384)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def _npm(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["npm", *args, "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"npm {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def _pack(package: Vendored, work: Path) -> tuple[tarfile.TarFile, str]:
    """Download the package's tarball; return it opened, and its integrity."""
    [packed] = json.loads(
        _npm(
            "pack",
            f"{package.name}@{package.version}",
            "--json",
            "--pack-destination",
            str(work),
            cwd=work,
        )
    )
    return tarfile.open(work / packed["filename"]), packed["integrity"]


def _member(archive: tarfile.TarFile, path: str) -> bytes:
    extracted = archive.extractfile(f"package/{path}")
    if extracted is None:
        sys.exit(f"{archive.name}: no file {path}")
    return extracted.read()


def _bundled_names(source_map: bytes) -> list[str]:
    """Name the npm packages whose code a bundle holds, from its source map."""
    names = set()
    for source in json.loads(source_map)["sources"]:
        found = re.findall(r"node_modules/((?:@[^/]+/)?[^/]+)", source)
        if found:
            names.add(found[-1])
    return sorted(names)


def _licence_text(folder: Path) -> str | None:
    for candidate in sorted(folder.iterdir()):
        if re.match(r"(?i)licen[cs]e", candidate.name) and candidate.is_file():
            return candidate.read_text(errors="replace").strip()
    return None


def _install(tree: Path, *specs: str) -> dict[str, Path]:
    """Install `specs` into `tree` (no scripts run); map each package to its folder."""
    _npm(
        "install",
        "--ignore-scripts",
        "--prefix",
        str(tree),
        *specs,
        cwd=tree,
    )
    installed: dict[str, Path] = {}
    # Shallowest first: the copy npm hoisted is the one most dependents use.
    for manifest in sorted(
        tree.glob("node_modules/**/package.json"), key=lambda p: len(p.parts)
    ):
        folder = manifest.parent
        if folder.parent.name == "node_modules" or folder.parent.name.startswith("@"):
            name = json.loads(manifest.read_text()).get("name")
            if name and name not in installed:
                installed[name] = folder
    return installed


def _notices(package: Vendored, names: list[str], work: Path) -> str:
    """List each bundled package's licence, from an install of `package`."""
    tree = work / "tree"
    tree.mkdir()
    installed = _install(tree, f"{package.name}@{package.version}")
    # Optional peers, and packages that newer versions of a dependency inlined,
    # are not in the tree: install them by name.
    missing = [name for name in names if name not in installed]
    if missing:
        installed = _install(tree, *missing)
    parts = [
        f"Packages bundled in {package.name}@{package.version}'s "
        f"{next(iter(package.files.values()))} (named by its source map), with"
        " the licences of the versions npm resolves for it.\n"
    ]
    for name in names:
        meta = json.loads((installed[name] / "package.json").read_text())
        licence = meta.get("license")
        if licence not in BUNDLED_LICENCES:
            sys.exit(f"{name}: licence {licence!r} is not one we can ship")
        text = _licence_text(installed[name]) or (
            f"(The package ships no licence file; its package.json says {licence}.)"
        )
        parts.append(f"{'=' * 78}\n{name} {meta['version']} — {licence}\n\n{text}\n")
    return "\n".join(parts)


def refresh(target: Path) -> None:
    """Write the vendored files, their licences and the manifest into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    entries = []
    licences: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for package in PACKAGES:
            archive, integrity = _pack(package, work)
            meta = json.loads(_member(archive, "package.json"))
            if meta.get("license") not in TOP_LEVEL_LICENCES:
                sys.exit(f"{package.name}: licence {meta.get('license')!r} is not MIT")
            folder = target / package.folder
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            if package.licence_from is None:
                licences[package.name] = _member(archive, "LICENSE")
            (folder / "LICENSE").write_bytes(
                licences[package.licence_from or package.name]
            )
            files = []
            for source, name in package.files.items():
                data = _member(archive, source)
                (folder / name).write_bytes(data)
                files.append(
                    {
                        "path": f"{package.folder}/{name}",
                        "from": source,
                        "sri": sri(data),
                    }
                )
            entry: dict[str, object] = {
                "name": package.name,
                "version": package.version,
                "tarball": integrity,
                "license": meta["license"],
                "licence_file": f"{package.folder}/LICENSE",
                "files": files,
            }
            if package.licence_from:
                entry["licence_file_from"] = (
                    f"{package.licence_from} (same repository and copyright holder;"
                    " the package is published without one)"
                )
            if package.bundle_map:
                names = _bundled_names(_member(archive, package.bundle_map))
                (folder / NOTICES).write_text(_notices(package, names, work))
                entry["bundled"] = names
                entry["bundled_licences"] = f"{package.folder}/{NOTICES}"
            entries.append(entry)
    manifest = {"packages": entries}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--into", type=Path, default=TARGET, help=f"folder to write (default {TARGET})"
    )
    refresh(parser.parse_args().into)


if __name__ == "__main__":
    main()
