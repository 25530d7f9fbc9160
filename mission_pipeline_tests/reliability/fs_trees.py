"""Hostile workspace trees and an independent oracle of what the index must hold.

A tree mixes regular files at every depth with what a scan must not follow or index: symlink loops
(to the folder itself, its parent, the workspace root), links leaving the workspace (folders and
files, relative and absolute), dangling links, link chains, fifos, unix sockets, character devices
(when the kernel lets us make one), `.git` folders, names with newlines, tabs, quotes, backslashes,
control characters, COPY's `\\N`, 255-byte names, NFC and NFD spellings of the same word, and names
that are not UTF-8.

The oracle walks the tree with `os.walk` (which never follows links) and `lstat`: regular files at
levels 1..3, no `.git` folder, names (and every folder on the way) valid UTF-8.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_DEPTH = 3

ODD_NAMES = (
    "line\nbreak.md",
    "two\n\nbreaks\n",
    "tab\there.md",
    'quote"s.md',
    "it's.md",
    "back\\slash.md",
    "\\N",
    "-leading-dash",
    " leading space",
    "trailing space ",
    "semi;colon,comma.csv",
    "star*?.md",
    "ctrl\x01\x1f.md",
    "bell\x07",
    "emoji 🚀.md",
    "日本語のメモ.md",
    "caf\u00e9.md",  # NFC
    "cafe\u0301.md",  # NFD: another file, the same word
    "MiXeD.md",
    "mixed.md",
    ".hidden",
    "..dots..",
    "x" * 255,
    "é" * 127,  # 254 bytes
    "percent%s%d",
    "null-ish NULL",
    "$(rm -rf).md",
)
NON_UTF8_NAMES = (b"latin1-caf\xe9.txt", b"\xff\xfe", b"half-\xe6\x97.md")


@dataclass
class Tree:
    """What was built: the workspace, the outside world it must not reach, and what was skipped."""

    root: Path
    outside: Path
    links: int = 0
    specials: int = 0
    non_utf8: int = 0
    files: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


def build_tree(root: Path, outside: Path, rng: random.Random, *, size: int = 60) -> Tree:
    """A random hostile tree of about `size` entries under `root` (created), with `outside` beside it."""
    root.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("not workspace content")
    (outside / "sub").mkdir(exist_ok=True)
    (outside / "sub" / "deep-secret.md").write_text("not workspace content either")
    tree = Tree(root, outside)
    folders = [root]
    for _ in range(size):
        parent = rng.choice(folders)
        depth = len(parent.relative_to(root).parts)
        roll = rng.random()
        if roll < 0.18 and depth < 5:
            folder = parent / rng.choice(
                ("sub", "memory", "skills", ".git", "notes\nnl", "d" + str(rng.random()))
            )
            if not folder.exists():
                folder.mkdir()
                folders.append(folder)
                tree.count("folder")
        elif roll < 0.55:
            _file(parent / f"f{rng.randrange(10**6)}.md", rng, tree)
        elif roll < 0.72:
            name = rng.choice(ODD_NAMES)
            if not (parent / name).exists():
                _file(parent / name, rng, tree)
                tree.count("odd name")
        elif roll < 0.88:
            _link(parent, root, outside, rng, tree)
        elif roll < 0.94:
            _special(parent, rng, tree)
        else:
            raw = os.path.join(os.fsencode(parent), rng.choice(NON_UTF8_NAMES))
            try:
                if rng.random() < 0.7:
                    with open(raw, "wb") as handle:
                        handle.write(b"x")
                else:
                    os.mkdir(raw)
                    with open(os.path.join(raw, b"inside.md"), "wb") as handle:
                        handle.write(b"hidden by its folder's name")
            except FileExistsError:
                continue
            except OSError:
                continue  # a file system that refuses such names
            tree.non_utf8 += 1
            tree.count("non-UTF-8 name")
    return tree


def _file(path: Path, rng: random.Random, tree: Tree) -> None:
    path.write_bytes(rng.randbytes(rng.choice((0, 1, rng.randint(2, 4096)))))
    if rng.random() < 0.2:
        # Odd but storable times: the epoch, before it, far ahead (ext4 keeps up to 2446).
        when = rng.choice((0, -86_400 * 365 * 50, 4_102_444_800, 13_000_000_000, 1.5))
        os.utime(path, (when, when))
    tree.files += 1


def _link(parent: Path, root: Path, outside: Path, rng: random.Random, tree: Tree) -> None:
    target, kind = rng.choice(
        (
            (parent, "loop to itself"),
            (parent.parent, "loop to its parent"),
            (root, "loop to the root"),
            (outside, "link out (folder)"),
            (outside / "secret.txt", "link out (file)"),
            (outside / "sub", "link out (nested folder)"),
            (Path("/"), "link to /"),
            (Path("/etc/passwd"), "link to /etc/passwd"),
            (root / "nowhere", "dangling link"),
            (Path(os.path.relpath(outside, parent)), "relative link out"),
            (Path(".."), "relative loop"),
        )
    )
    name = parent / f"link-{rng.randrange(10**6)}"
    if rng.random() < 0.3:  # a chain: link -> link -> target
        middle = parent / f"chain-{rng.randrange(10**6)}"
        os.symlink(target, middle)
        target = middle
        tree.links += 1
    os.symlink(target, name)
    tree.links += 1
    tree.count(kind)


def _special(parent: Path, rng: random.Random, tree: Tree) -> None:
    kind = rng.choice(("fifo", "socket", "device"))
    path = parent / f"{kind}-{rng.randrange(10**6)}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        # AF_UNIX paths are limited to 108 bytes: bind by a short relative name from inside the folder.
        here = os.getcwd()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            os.chdir(parent)
            sock.bind(path.name)
        except OSError:
            return
        finally:
            os.chdir(here)
            sock.close()  # the socket file stays
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # like /dev/null
        except (PermissionError, OSError):
            return
    tree.specials += 1
    tree.count(kind)


def expected_files(root: Path, max_depth: int = MAX_DEPTH) -> dict[str, int]:
    """path → size of what the index must hold, found independently of the scanner."""
    found: dict[str, int] = {}
    for folder, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(folder, root)
        level = 1 if rel == "." else rel.count(os.sep) + 2
        dirnames[:] = [d for d in dirnames if d != ".git" and _utf8(d) and level < max_depth]
        for name in filenames:
            if not _utf8(name):
                continue
            st = os.lstat(os.path.join(folder, name))
            if stat.S_ISREG(st.st_mode):
                found[name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}"] = st.st_size
    return found


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stays_inside(root: Path, relative: str) -> bool:
    """True when `relative` names something inside `root` without passing through a link."""
    if relative.startswith("/") or ".." in relative.split("/"):
        return False
    path = root / relative
    with contextlib.suppress(OSError):
        return os.path.realpath(path).startswith(os.path.realpath(root) + os.sep) and not any(
            p.is_symlink() for p in [path, *path.parents] if p != root and root in p.parents
        )
    return False
