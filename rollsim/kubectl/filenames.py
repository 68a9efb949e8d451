"""``-f``: the manifests a writing verb reads, as kubectl's resource builder finds them.

Mirrors k8s.io/cli-runtime/pkg/resource (``Builder.FilenameParam`` and
``ExpandPathsToFileVisitors``): every ``-f`` (repeated, or comma-separated, as a
``StringSlice`` flag) is checked before any is read, ``-`` is stdin, a URL is
refused (rollsim has no network), a directory is walked in ``filepath.Walk``
order (names sorted, a subdirectory visited where it sorts, and only with
``-R``), taking its ``.json``, ``.yaml`` and ``.yml`` files; a file named
explicitly is read whatever its extension.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError

__all__ = ["MANIFEST_EXTENSIONS", "STDIN", "Manifest", "manifests"]

#: The files a directory contributes (``FileExtensions`` of kubectl's builder).
MANIFEST_EXTENSIONS = (".json", ".yaml", ".yml")
#: How kubectl names stdin in its messages (``constSTDINstr``).
STDIN = "STDIN"


@dataclass(frozen=True)
class Manifest:
    """One source of documents: what kubectl calls it in messages, and its text."""

    where: str
    text: str
    stdin: bool = False


def manifests(k: Kubectl, args: Args) -> list[Manifest]:
    """Every manifest ``-f`` names, in the order kubectl visits them; ``[]`` without
    ``-f``. Raises kubectl's errors for a missing path or a URL before reading any."""
    recursive = args.bool_flag("recursive", False)
    given = args.slice_flag("filename")
    for source in given:
        if source.startswith(("http://", "https://")):
            raise KubectlError(
                f'error: rollsim does not fetch "{source}": it has no network; download '
                "the file and pass its path"
            )
        if source != "-" and (not source or not _resolve(k, source).exists()):
            raise KubectlError(f'error: the path "{source}" does not exist')
    found: list[Manifest] = []
    for source in given:
        if source == "-":
            if k.stdin is None:
                raise KubectlError("error: no objects passed to apply")
            found.append(Manifest(STDIN, k.stdin, stdin=True))
            continue
        for shown, path in _walk(source, _resolve(k, source), recursive):
            found.append(Manifest(shown, _read(shown, path)))
    return found


def _resolve(k: Kubectl, source: str) -> Path:
    """``source`` relative to the command's working directory."""
    return Path(source) if Path(source).is_absolute() else k.cwd / source


def _walk(shown: str, path: Path, recursive: bool) -> list[tuple[str, Path]]:
    """The files under ``path`` as ``filepath.Walk`` visits them, each with the name kubectl
    prints (``filepath.Join`` of the path given and the names below it)."""
    if not path.is_dir():
        return [(shown, path)]
    found: list[tuple[str, Path]] = []
    pending = [(shown, path, True)]
    while pending:
        name, here, root = pending.pop()
        if (here.is_dir() and not here.is_symlink()) or (root and here.is_dir()):
            if not root and not recursive:
                continue
            entries = sorted(os.listdir(here), reverse=True)
            pending.extend((posixpath.normpath(f"{name}/{e}"), here / e, False) for e in entries)
        elif here.suffix in MANIFEST_EXTENSIONS:
            found.append((name, here))
    return found


def _read(shown: str, path: Path) -> str:
    """A manifest's text; failures in kubectl's words (Go's ``open`` error, or go-yaml's
    refusal of bytes that are not UTF-8)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KubectlError(
            f"error: error parsing {shown}: error converting YAML to JSON: yaml: "
            "invalid leading UTF-8 octet"
        ) from None
    except OSError as err:
        raise KubectlError(f"error: open {shown}: {str(err.strerror).lower()}") from None
