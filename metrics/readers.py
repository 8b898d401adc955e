"""Reading one table file (CSV, Parquet, JSON, NDJSON) into a frame of text columns plus ``__line``.

Everything the loader says about a file points at a line. polars reports byte offsets and pads short
rows with nulls, so for CSV we scan the structure ourselves with the ``csv`` module first: ragged rows,
unterminated quotes, duplicate headers and encodings are found here, with the line of each record.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from array import array
from pathlib import Path

import polars as pl

from diplodash.metrics.problems import DataError, Problem, did_you_mean
from diplodash.metrics.safefile import note_file
from diplodash.metrics.schema import TableSpec

LINE = "__line"
SUFFIXES = (".csv", ".parquet", ".json", ".ndjson", ".jsonl")
# Above this size a CSV is streamed by polars without the structural pre-scan (memory stays bounded);
# problems are then located by record number rather than by physical line.
SCAN_LIMIT_BYTES = 256 * 1024 * 1024

# What reading hostile input can raise. polars' PanicException derives from BaseException, so it must
# be named; programming errors (TypeError, AttributeError) are deliberately not caught.
INPUT_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException, ValueError, csv.Error, EOFError)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_table(path: Path, spec: TableSpec) -> tuple[pl.LazyFrame, list[Problem]]:
    """Return the table as text columns (Parquet keeps its own types) with ``__line``, and problems.

    Raises DataError when the file cannot be read at all.
    """
    name = str(path)
    suffix = path.suffix.lower()
    note_file(path)
    try:
        if suffix == ".csv":
            frame, problems = _read_csv(path)
        elif suffix == ".parquet":
            frame, problems = _read_parquet(path), []
        elif suffix in (".ndjson", ".jsonl"):
            frame, problems = _read_ndjson(path), []
        elif suffix == ".json":
            frame, problems = _read_json(path), []
        else:
            raise DataError([Problem(name, None, None, f"unknown file type '{suffix}': use one of {', '.join(SUFFIXES)}", code="file")])
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError([Problem(name, None, None, "file not found (was it moved or deleted while reading?)", code="file")])
    except IsADirectoryError:
        raise DataError([Problem(name, None, None, "is a folder, not a table file", code="file")])
    except PermissionError:
        raise DataError([Problem(name, None, None, "permission denied", code="file")])
    except OSError as exc:
        raise DataError([Problem(name, None, None, f"cannot read file: {exc.strerror or exc}", code="file")])
    except INPUT_ERRORS as exc:
        raise DataError([Problem(name, None, None, f"cannot read {suffix[1:]} file: {_first_line(exc)}", code="file")])
    problems += _check_header(name, frame.collect_schema().names(), spec, suffix == ".csv", frame)
    return frame, problems


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


# --------------------------------------------------------------------------------------------- CSV


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 text without a byte order mark."""
    sample = raw[:8192]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _position(raw: bytes, at: int) -> tuple[int, int]:
    """1-based line and character column of byte offset ``at`` in UTF-8-ish bytes."""
    line_start = raw.rfind(b"\n", 0, at) + 1
    return raw.count(b"\n", 0, at) + 1, len(raw[line_start:at].decode("utf-8", errors="replace")) + 1


def decode_bytes(raw: bytes, name: str) -> tuple[str, list[Problem]]:
    """Decode a text file as written.

    UTF-8 (BOM or not) is read as UTF-8, never re-decoded: a byte that is not UTF-8 in a file that is
    otherwise UTF-8 is an error at its line and column. UTF-16 is read with a BOM or, without one, when
    its zero bytes give it away (with a warning). A file with no UTF-8 multi-byte text at all and a
    non-UTF-8 byte is read as Windows-1252/Latin-1 with a warning at that byte. NUL bytes in any other
    text are an encoding error.
    """
    problems: list[Problem] = []
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), [Problem(name, None, None, "file is UTF-16; read it as such (UTF-8 is preferred)", "warning", "encoding")]
        except UnicodeDecodeError as exc:
            raise DataError([Problem(name, None, None, f"broken UTF-16 text at byte {exc.start}", code="encoding")])
    elif b"\x00" in raw:
        codec = utf16_without_bom(raw)
        if codec is None:
            line, column = _position(raw, raw.index(b"\x00"))
            raise DataError([Problem(name, line, column, "file holds NUL bytes: it is binary or in an encoding other than UTF-8 (re-save it as UTF-8)", code="encoding")])
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise DataError([Problem(name, None, None, f"file looks like {codec.upper()} without a byte order mark, but byte {exc.start} is not: re-save it as UTF-8", code="encoding")])
        if "\x00" in text:
            raise DataError([Problem(name, None, None, f"file looks like {codec.upper()} without a byte order mark but holds NUL characters: re-save it as UTF-8", code="encoding")])
        return text, [Problem(name, None, None, f"file is {codec.upper()} without a byte order mark; read it as such (UTF-8 is preferred)", "warning", "encoding")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        if _UTF8_MULTIBYTE.search(raw):
            raise DataError(
                [
                    Problem(
                        name, line, column,
                        f"byte 0x{raw[exc.start]:02X} is not UTF-8, in a file that is otherwise UTF-8: correct that character (the file is not re-decoded, so every other cell stays as written)",
                        code="encoding",
                    )
                ]
            )
        text = raw.decode("cp1252", errors="replace")
        problems.append(
            Problem(name, line, column, f"file is not UTF-8 (byte 0x{raw[exc.start]:02X}); read it as Windows-1252/Latin-1 (re-save it as UTF-8 to silence this)", "warning", "encoding")
        )
    return text, problems


def _read_csv(path: Path) -> tuple[pl.LazyFrame, list[Problem]]:
    name = str(path)
    size = path.stat().st_size
    if size > SCAN_LIMIT_BYTES:
        frame = pl.scan_csv(path, infer_schema=False, row_index_name=LINE, row_index_offset=2, encoding="utf8-lossy", glob=False)
        return frame, []
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        if size <= len(head) or not path.read_bytes().strip():
            raise DataError([Problem(name, 1, 1, "file is empty: it needs at least a header row", code="empty")])
    problems: list[Problem] = []
    source: Path | bytes = path
    try:
        # The common case streams from disk: UTF-8 (with or without BOM), \n or \r\n line ends.
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head or (b"\r" in head and b"\n" not in head):
            raise UnicodeError("transcode")
        with open(path, encoding="utf-8-sig", newline="") as stream:
            header, lines, structural = scan_csv_structure(stream, name)
    except UnicodeError:
        # UTF-16, Latin-1 or classic Mac line ends: decode in memory and hand polars clean UTF-8.
        text, problems = decode_bytes(path.read_bytes(), name)
        if "\r" in text and "\n" not in text:
            text = text.replace("\r", "\n")
        header, lines, structural = scan_csv_structure(io.StringIO(text, newline=""), name)
        source = text.encode("utf-8")
    problems += structural
    if any(p.severity == "error" for p in structural):
        raise DataError(problems)
    if not lines:
        frame = pl.DataFrame({col: pl.Series([], dtype=pl.String) for col in header}).with_columns(pl.Series(LINE, [], dtype=pl.Int64))
        problems.append(Problem(name, 1, None, "table has a header but no rows", "warning", "empty"))
        return frame.lazy(), problems
    data = pl.read_csv(source, infer_schema=False, has_header=True, new_columns=header, glob=False) if isinstance(source, Path) else pl.read_csv(source, infer_schema=False, has_header=True, new_columns=header)
    if data.height != len(lines):
        # polars and the csv module disagree on what a record is (blank lines, stray quotes): trust
        # the csv module, which is what the line numbers come from.
        text = source.decode("utf-8") if isinstance(source, bytes) else path.read_text(encoding="utf-8-sig")
        records = [r for r in list(csv.reader(io.StringIO(text, newline="")))[1:] if r and r != [""]]
        if len(records) != len(lines):
            raise DataError([Problem(name, None, None, f"file changed while it was read ({len(lines)} records, then {len(records)}): read it again once it is saved", code="file")])
        data = pl.DataFrame({col: [r[i] if i < len(r) else "" for r in records] for i, col in enumerate(header)}, schema={c: pl.String for c in header})
    return data.with_columns(pl.Series(LINE, lines, dtype=pl.Int64)).lazy(), problems


def scan_csv_structure(stream, name: str) -> tuple[list[str], array, list[Problem]]:
    """Walk the CSV records: header, the first line of each record, and structural problems.

    Streams: memory is one record plus four bytes per record for its line number.
    """
    problems: list[Problem] = []
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError([Problem(name, 1, 1, "file is empty: it needs at least a header row", code="empty")])
    except csv.Error as exc:
        raise DataError([Problem(name, 1, 1, f"cannot read the header: {exc}", code="csv")])
    header = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for index, column in enumerate(header):
        if not column:
            problems.append(Problem(name, 1, _header_column(name, header, index), f"header field {index + 1} is empty", code="header"))
        elif column in seen:
            problems.append(Problem(name, 1, _header_column(name, header, index), f"duplicate column '{column}' (also field {seen[column] + 1})", code="header"))
        seen.setdefault(column, index)
    width = len(header)
    lines = array("q")
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, start, _quote_column(name, start), f"broken CSV record: {exc} (an unterminated quote?)", code="csv"))
            break
        previous_end = reader.line_num
        if not record or (len(record) == 1 and record[0] == ""):
            continue  # blank line
        if len(record) != width:
            kind = "too many" if len(record) > width else "too few"
            problems.append(
                Problem(name, start, None, f"{kind} fields: {len(record)} instead of {width} (header: {', '.join(header)})", code="ragged")
            )
        lines.append(start)
    return header, lines, problems


def read_line(name: str, number: int) -> str | None:
    """One physical line of a text file, decoded as the loader decodes it (for error columns)."""
    try:
        text, _ = decode_bytes(Path(name).read_bytes(), name)
    except (OSError, DataError):
        return None
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return rows[number - 1] if 0 < number <= len(rows) else None


def _header_column(name: str, header: list[str], index: int) -> int | None:
    first = read_line(name, 1)
    offsets = field_offsets(first.lstrip("\ufeff")) if first is not None else []
    return offsets[index] if index < len(offsets) else None


def _quote_column(name: str, line: int) -> int | None:
    text = read_line(name, line)
    if text is None:
        return None
    pos = text.rfind('"')
    return pos + 1 if pos >= 0 else None


def field_offsets(line: str) -> list[int]:
    """1-based character columns where each field of one CSV line starts (quote-aware)."""
    offsets = [1]
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            offsets.append(index + 2)
    return offsets


def _check_header(name: str, columns: list[str], spec: TableSpec, is_csv: bool, frame: pl.LazyFrame) -> list[Problem]:
    problems: list[Problem] = []
    present = [c for c in columns if c != LINE]
    line = 1 if is_csv else None
    for column in spec.columns:
        if column.required and column.name not in present:
            problems.append(Problem(name, line, None, f"missing required column '{column.name}' in the {spec.name} table", code="header"))
    known = set(spec.names)
    from diplodash.metrics.schema import INLINE_REPORT_COLUMNS

    if spec.name == "contacts":
        known |= set(INLINE_REPORT_COLUMNS)
    for column in present:
        if column not in known:
            hint = did_you_mean(column, sorted(known)).strip()
            hint = f" ({hint})" if hint else ""
            problems.append(Problem(name, line, None, f"unknown column '{column}' is ignored{hint}", "warning", "header"))
    return problems


# ------------------------------------------------------------------------------- Parquet and JSON


def _read_parquet(path: Path) -> pl.LazyFrame:
    # Reading the footer now turns a corrupt file into an error here, not during a later collect.
    pl.read_parquet_schema(path)
    return pl.scan_parquet(path, glob=False).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))


def _stringify(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        [
            (pl.col(c).cast(pl.String) if frame.schema[c] != pl.List(pl.String) else pl.col(c).list.join(";")).alias(c)
            for c in frame.columns
            if frame.schema[c] not in (pl.String,)
        ]
    )


def _read_ndjson(path: Path) -> pl.LazyFrame:
    try:
        frame = pl.read_ndjson(path, infer_schema_length=None)
    except INPUT_ERRORS as exc:
        raise DataError([_locate_json_problem(path, exc, ndjson=True)]) from None
    return _stringify(frame).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64)).lazy()


def _read_json(path: Path) -> pl.LazyFrame:
    try:
        frame = pl.read_json(path, infer_schema_length=None)
    except INPUT_ERRORS as exc:
        raise DataError([_locate_json_problem(path, exc, ndjson=False)]) from None
    return _stringify(frame).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64)).lazy()


JSON_LOCATE_LIMIT = 64 * 1024 * 1024  # larger files are not re-parsed in Python to find the record


def _cell_problem(value) -> str | None:
    """Why one JSON value cannot be a table cell (None when it can)."""
    if isinstance(value, dict):
        return "is an object; a cell must be a string, a number, a boolean, null or a list of strings"
    if isinstance(value, list) and not all(isinstance(v, (str, int, float, bool)) or v is None for v in value):
        return "is a list holding objects or lists; a cell's list must hold strings"
    return None


def _record_problem(record, number: int, line: int | None, name: str, ndjson: bool) -> Problem | None:
    where = f"line {line}" if ndjson else f"record {number}"
    if not isinstance(record, dict):
        return Problem(name, line if ndjson else number, None, f"{where} is not an object ({{...}} with one key per column)", code="file")
    types: dict[str, type] = {}
    for index, (key, value) in enumerate(record.items(), start=1):
        why = _cell_problem(value)
        if why:
            return Problem(name, line if ndjson else number, index, f"{where}, field '{key}': the value {why}", code="file")
        types.setdefault(key, type(value))
    return None


def _locate_json_problem(path: Path, exc: BaseException, ndjson: bool) -> Problem:
    """The line (NDJSON) or record (JSON) that polars could not read, found with the json module."""
    name = str(path)
    generic = Problem(name, None, None, f"cannot read {'ndjson' if ndjson else 'json'} file: {_first_line(exc)}", code="file")
    try:
        if path.stat().st_size > JSON_LOCATE_LIMIT:
            return generic
        raw = path.read_bytes()
    except OSError:
        return generic
    text, _ = decode_bytes(raw, name)
    if ndjson:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                return Problem(name, number, error.colno, f"cannot read ndjson file: line {number}: broken JSON: {error.msg}", code="file")
            except RecursionError:
                return Problem(name, number, None, f"cannot read ndjson file: line {number}: JSON nested too deeply", code="file")
            problem = _record_problem(record, number, number, name, True)
            if problem:
                return problem
        return generic
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return Problem(name, error.lineno, error.colno, f"cannot read json file: broken JSON: {error.msg}", code="file")
    except RecursionError:
        return Problem(name, None, None, "cannot read json file: JSON nested too deeply", code="file")
    if not isinstance(data, list):
        return Problem(name, None, None, "a JSON table must be an array of records ([{...}, {...}])", code="file")
    kinds: dict[str, tuple[str, int]] = {}
    for number, record in enumerate(data, start=1):
        problem = _record_problem(record, number, None, name, False)
        if problem:
            return problem
        for index, (key, value) in enumerate(record.items(), start=1):
            kind = "list" if isinstance(value, list) else ("text" if isinstance(value, str) else "scalar") if value is not None else None
            if kind is None:
                continue
            first = kinds.setdefault(key, (kind, number))
            if "list" in (first[0], kind) and first[0] != kind:
                return Problem(name, number, index, f"record {number}, field '{key}': a {kind} here but a {first[0]} in record {first[1]}; use one kind per column", code="file")
    return generic
