"""The uploads folder of the import page and of POST /api/v1/imports.

Uploads are written to a private folder (0700, files 0600) under a random token and names the
server chooses, so that the preview and the import that follows read the same bytes; the name the
browser sent is kept only as text to show (and to recognise a preset's files), and who sent them,
so that only they can import them later. Beside the files, an upload keeps what the page needs to
go on without a new upload: a mapping file sent with a dry run (or corrected on the page) and the
unknown stage and status values its last dry run found. A folder goes away once its import is
written, or after UPLOAD_HOURS.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from pulso.errors import PulsoError
from pulso.i18n import N_, said

UPLOADS = Path(tempfile.gettempdir()) / f"pulso-uploads-{os.getuid()}"
UPLOAD_HOURS = 24
MAX_UPLOAD = 512 << 20
MAX_NAME = 120
NAMES = "names.json"
SAVED_MAPPING = "mapping.yaml"  # a mapping file sent with a dry run (or corrected on the page), to import the same upload
UNKNOWN = "unknown.json"  # the unknown stage and status values of the upload's last dry run
TOKEN = re.compile(r"[0-9a-f]{32}")


GONE = N_("los archivos subidos ya no están (se guardan 24 horas); vuélvelos a subir")


class UploadGone(PulsoError):
    """An upload id that is unknown, expired or another person's."""


def display_name(sent: str | None) -> str:
    """The browser's file name as text to show: last path part, printable, at most MAX_NAME characters."""
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", sent or ""))[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if name.strip(".") == "":
        return "upload"
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) <= 10:
        return stem[: MAX_NAME - len(ext) - 1] + "." + ext
    return name[:MAX_NAME]


def _upload_root() -> Path:
    """The uploads folder: created private, and refused when someone else made it or it is a link."""
    UPLOADS.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(UPLOADS)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise said(PulsoError, N_("{folder} no es una carpeta del usuario de este servidor; bórrala y vuelve a intentarlo"),
                   folder=str(UPLOADS))
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(UPLOADS, 0o700)
    return UPLOADS


def sweep_uploads(now: float | None = None) -> None:
    """Remove upload folders older than UPLOAD_HOURS (a preview never imported, a refused run)."""
    if not UPLOADS.is_dir():
        return
    cutoff = (time.time() if now is None else now) - UPLOAD_HOURS * 3600
    for folder in UPLOADS.iterdir():
        try:
            if folder.lstat().st_mtime < cutoff:
                shutil.rmtree(folder) if folder.is_dir() and not folder.is_symlink() else folder.unlink()
        except OSError:
            continue  # another request removed it first


def save_uploads(files: list[UploadFile], owner: str = "") -> tuple[str, list[Path], dict[str, str]]:
    """Write uploaded files (0600) under a new random token, with who sent them; refuses files over MAX_UPLOAD.

    Returns the token, the paths (named by the server) and the name to show for each path."""
    sweep_uploads()
    token = secrets.token_hex(16)
    folder = _upload_root() / token
    folder.mkdir(mode=0o700)
    paths, names = [], {}
    try:
        for number, upload in enumerate(files, start=1):
            shown = display_name(upload.filename)
            ext = Path(shown).suffix.lower()  # the reader picks the format by extension
            path = folder / (str(number) + (ext if re.fullmatch(r"\.[a-z0-9]{1,10}", ext) else ""))
            written = 0
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
                while chunk := upload.file.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_UPLOAD:
                        raise said(PulsoError, N_("{file} pesa más de {mb} MB; impórtalo con `pulso import`"), file=shown,
                                   mb=MAX_UPLOAD >> 20)
                    out.write(chunk)
            paths.append(path)
            names[str(path)] = shown
        # who uploaded (only they can import the upload later) and the name to show of each stored file
        private_write(folder / NAMES, json.dumps({"owner": owner, "files": [[p.name, names[str(p)]] for p in paths]}).encode())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return token, paths, names


def private_write(path: Path, data: bytes) -> None:
    """Write a new file readable by this server's user only (an old one of that name is replaced)."""
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
        out.write(data)


def _folder(token: str) -> Path | None:
    return UPLOADS / token if TOKEN.fullmatch(token or "") else None


def uploaded(token: str, owner: str | None = None) -> tuple[list[Path], dict[str, str]]:
    """The files of an earlier upload and their names to show; UploadGone when the id is unknown or
    expired, or (with `owner`) when someone else uploaded them (told apart from nothing: an id
    another admin sees in a page proves nothing)."""
    folder = _folder(token)
    if folder is None or not (folder / NAMES).is_file():
        raise said(UploadGone, GONE)
    kept = json.loads((folder / NAMES).read_text(encoding="utf-8"))
    if owner is not None and kept["owner"] != owner:
        raise said(UploadGone, GONE)
    listed = kept["files"]
    paths = [folder / stored for stored, _ in listed]
    return paths, {str(folder / stored): shown for stored, shown in listed}


def keep(token: str, name: str, data: bytes) -> None:
    """Keep `data` with an upload (SAVED_MAPPING, UNKNOWN), replacing what was kept under that name."""
    folder = _folder(token)
    if folder is None or not folder.is_dir():
        raise said(UploadGone, GONE)
    private_write(folder / name, data)


def kept(token: str, name: str) -> bytes | None:
    """What was kept with an upload under `name` (SAVED_MAPPING, UNKNOWN), or None."""
    folder = _folder(token)
    path = folder / name if folder is not None else None
    return path.read_bytes() if path is not None and path.is_file() else None


def kept_json(token: str, name: str) -> Any:
    """`kept` read as JSON (None when nothing was kept)."""
    data = kept(token, name)
    return None if data is None else json.loads(data)


def discard_upload(token: str) -> None:
    """Remove an upload's folder (after its import, or when its preview failed)."""
    if TOKEN.fullmatch(token or ""):
        shutil.rmtree(UPLOADS / token, ignore_errors=True)
