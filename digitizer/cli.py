"""Command line: thin over the library. Errors become one line on stderr and a stable exit code."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path, PurePath
from typing import Any

import click

from .errors import DigitizerError, ExitCode
from .version import __version__

log = logging.getLogger("digitizer")

FORMATS_HELP = (
    "Comma-separated formats: txt, md, json, alto, page, hocr, jsonl, html; one file per input (batch: or per "
    "issue, --issue): pdf (the scan with an invisible text layer in reading order), mets (each page's image and "
    "ALTO, which it brings; articles and ads)."
)


articles_option = click.option(
    "--articles",
    type=click.Choice(["page", "stitched"]),
    default="page",
    show_default=True,
    help="page: article records page by page (JSON, JSONL), linked where a story jumps to another page of the "
    "input (batch: or of the issue); stitched: also <name>.articles.jsonl, each story whole, its parts' text "
    "joined across the pages.",
)


def _handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DigitizerError as exc:
            click.echo(f"digitizer: error: {exc}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("digitizer: interrupted", err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except Exception as exc:  # a bug: one line for the user, the trace with -v
            log.debug("internal error", exc_info=True)
            click.echo(
                f"digitizer: internal error: {type(exc).__name__}: {exc} (run with -v -v for the trace)", err=True
            )
            sys.exit(int(ExitCode.FAILED))

    return wrapper


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def parse_formats(value: str) -> list[str]:
    """Split and check a --format value."""
    from .export import check_formats

    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    check_formats(fmts, value)
    return fmts


#: ``--alto-version``, shared by convert and batch.
alto_version_option = click.option(
    "--alto-version",
    type=click.Choice(["4.4", "3.1", "2.1"]),
    default="4.4",
    show_default=True,
    help="ALTO version (3.1 and 2.1 have no Glyph and no ReadingOrder: the blocks' order is the reading order).",
)


def engine_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by convert and batch."""
    opts = [
        click.option(
            "--engine",
            type=click.Choice(["ppocr", "paddle"]),
            default="ppocr",
            show_default=True,
            help="ppocr: PP-OCRv6 on onnxruntime (embedded). paddle: the paddleocr package (extra).",
        ),
        click.option(
            "--lang",
            type=click.Choice(["auto", "zh", "en"]),
            default="auto",
            show_default=True,
            help="Language of the page: how lines join (no space for zh, spaces and hyphens for en).",
        ),
        click.option(
            "--speed",
            type=click.Choice(["fast", "balanced", "best"]),
            default="balanced",
            show_default=True,
            help="fast: tiny recognizer; balanced: tiny then small for doubtful lines; best: small only.",
        ),
        click.option("--no-deskew", is_flag=True, help="Do not correct skew."),
        click.option(
            "--orientation",
            type=click.Choice(["auto", "0", "90", "180", "270"]),
            default="auto",
            show_default=True,
            help="Clockwise turn to apply, or auto-detect.",
        ),
        click.option(
            "--max-pixels",
            type=int,
            default=250_000_000,
            show_default=True,
            help="Refuse images with more pixels than this (0: no limit).",
        ),
        click.option("--pdf-dpi", type=int, default=300, show_default=True, help="Resolution for PDF pages."),
        click.option("--threads", type=int, default=None, help="onnxruntime threads (default: CPU count)."),
        click.option(
            "--det-max-side",
            type=int,
            default=0,
            show_default=True,
            help="Downscale detection to this longest side (0: full resolution, tiled).",
        ),
        click.option(
            "--det-scale",
            type=float,
            default=0.0,
            show_default=True,
            help="Scale for text detection (0: per page, keeping the smallest common type 22 px high; "
            "1: full resolution). Recorded in the JSON as det_scale.",
        ),
        click.option("--use-cls", is_flag=True, help="Run the 0/180° text-line classifier."),
        click.option(
            "--dpi",
            type=float,
            default=0.0,
            help="The scan's resolution, where the file records none or a wrong one (0: from the file). "
            "Used for ALTO inch1200 and recorded in the JSON.",
        ),
        click.option(
            "--int8",
            is_flag=True,
            help="Run the tiny recognizer's classifier in int8: a few percent faster, but the text then depends "
            "on the CPU's instruction set (AVX2, AVX-512, VNNI). Recorded in the JSON.",
        ),
        click.option(
            "--model-dir",
            type=click.Path(file_okay=False),
            default=None,
            help="paddle engine: a folder of PaddleX-style model folders.",
        ),
    ]
    for o in reversed(opts):
        fn = o(fn)
    return fn


def build_options(**kw: Any) -> Any:
    from .config import Options

    return Options.from_kwargs(
        engine=kw["engine"],
        lang=kw["lang"],
        speed=kw["speed"],
        deskew=not kw["no_deskew"],
        orientation=kw["orientation"],
        max_pixels=kw["max_pixels"],
        pdf_dpi=kw["pdf_dpi"],
        threads=kw["threads"],
        det_max_side=kw["det_max_side"],
        det_scale=kw["det_scale"],
        use_cls=kw["use_cls"],
        model_dir=kw["model_dir"],
        dpi=kw["dpi"],
        int8=kw["int8"],
    )


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""Examples:

\b
  digitizer convert page.jpg -o out/                 # out/page.txt
  digitizer convert scans/*.tif -o out/ --format txt,json,md,alto
  digitizer convert front.png -o out/ --lang en --speed best
  digitizer batch scans/ -o out/ --jobs 2             # resumable, with a manifest
  digitizer eval samples/ output/                     # score outputs against ground truth
""",
)
@click.version_option(__version__, prog_name="digitizer")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
def main(verbose: int, quiet: bool) -> None:
    """Digitize newspaper scans: straighten, segment, read with PP-OCR, and put the page back in reading order."""
    _setup_logging(verbose, quiet)


@main.command()
@click.argument("scans", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the outputs (named after each input's stem).",
)
@click.option("-f", "--format", "formats", default="txt", show_default=True, help=FORMATS_HELP)
@click.option(
    "--alto-unit",
    type=click.Choice(["pixel", "inch1200"]),
    default="pixel",
    show_default=True,
    help="ALTO MeasurementUnit (inch1200 for the NDNP profile, from the scan's dpi).",
)
@alto_version_option
@click.option(
    "--pdfa/--no-pdfa",
    default=True,
    show_default=True,
    help="Write the searchable PDF as PDF/A-2b (validated before it is kept), or as a plain PDF.",
)
@articles_option
@engine_options
@_handle_errors
def convert(
    scans: tuple[Path, ...],
    outdir: Path,
    formats: str,
    alto_unit: str,
    alto_version: str,
    pdfa: bool,
    articles: str,
    **kw: Any,
) -> None:
    """Convert SCAN files (PNG, JPEG, TIFF, PDF) into OUTDIR.

    Every input and the output folder are checked before any page is read; each page's outputs are written as
    soon as it is done, each file whole or not at all.
    """
    from .batch import discover
    from .documents import image_href, link_pages
    from .export import ExportOptions, write_outputs
    from .export.html import thumbnail_jpeg
    from .export.jsonl import to_stories
    from .export.mets import to_mets
    from .export.pdf import PdfBuilder, check_pdf_support
    from .files import atomic_write, ensure_writable_dir
    from .load import checked_pages
    from .memory import tune_allocator
    from .pipeline import build_engine, convert_pages, new_document

    fmts = parse_formats(formats)
    if "mets" in fmts and "alto" not in fmts:
        fmts.append("alto")  # the METS names each page's ALTO file
    if "pdf" in fmts:
        check_pdf_support()  # a missing renderer is said before any page is read
    opts = build_options(**kw)
    files = discover(scans)  # missing files and inputs that would write the same outputs, before any work
    for s, _ in files:  # a bad input fails the run before minutes are spent on the good ones
        for _w, _h, err in checked_pages(s, opts.max_pixels, opts.pdf_dpi):
            if err is not None:
                raise err
    ensure_writable_dir(outdir)
    tune_allocator(opts.threads)  # before the models load and their threads start
    engine = build_engine(opts)
    for s, stem in files:
        log.info("converting %s", s)
        # Page by page: each page's outputs are written as soon as it is read, and its image let go.
        pages, altos, docs, names = [], [], [], []
        pdf = PdfBuilder() if "pdf" in fmts else None
        for pi, page in convert_pages(s, opts, engine):
            images = {pi.index: thumbnail_jpeg(pi.image)} if "html" in fmts else {}
            doc = new_document(str(s), opts, engine, [page])
            name = stem if pi.page_count == 1 else f"{stem}_p{pi.index + 1:04d}"
            options = ExportOptions(alto_unit=alto_unit, images=images, alto_version=alto_version)
            for path in write_outputs(doc, outdir, name, fmts, options):
                click.echo(str(path))
            pages.append(page)  # the result tree without its image: small, kept for the links between pages
            docs.append(doc)
            names.append(name)
            altos.append(f"{name}.alto.xml")
            if pdf is not None:
                pdf.add(doc, pi.image, Path(s) if pi.page_count == 1 else None)
        if len(pages) > 1:  # stories that jump between the pages: their JSON and JSONL say where they go on
            for path in link_pages(outdir, docs, names, fmts):
                click.echo(str(path))
        if articles == "stitched":
            path = outdir / f"{stem}.articles.jsonl"
            atomic_write(path, to_stories(pages, str(s)))
            click.echo(str(path))
        if pdf is not None:
            path = outdir / f"{stem}.pdf"
            atomic_write(path, pdf.finish(title=PurePath(s).name, pdfa=pdfa))
            click.echo(str(path))
        if "mets" in fmts:  # after the last page: it names them all
            issue = new_document(str(s), opts, engine, pages)
            path = outdir / f"{stem}.mets.xml"
            atomic_write(path, to_mets(issue, [image_href(outdir, s)] * len(pages), altos, stem))
            click.echo(str(path))


@main.command()
@click.argument("result", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML file to write (default: next to RESULT, .html instead of .json).",
)
@_handle_errors
def view(result: Path, out: Path | None) -> None:
    """Write the HTML view of a RESULT.json made by convert or batch (one file per page)."""
    import json

    from .errors import InputNotFoundError, UnreadableImageError
    from .export import ExportOptions, write_outputs
    from .export.html import thumbnail_jpeg
    from .load import load_pages
    from .model import Document

    if not result.is_file():
        raise InputNotFoundError(f"{result}: no such file")
    try:
        doc = Document.from_dict(json.loads(result.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise UnreadableImageError(f"{result}: not a digitizer JSON result ({exc})") from exc
    images: dict[int, bytes] = {}
    for page in doc.pages:
        src = Path(page.source or doc.source)
        cands = [src, result.parent / src, result.parent / src.name]
        found = next((c for c in cands if c.is_file()), None)
        if found is None:
            log.warning("scan %s not found; the view has no backdrop", src)
            continue
        for pi in load_pages(found, pages={page.index}):
            images[page.index] = thumbnail_jpeg(pi.image)
    stem = (out.name[: -len(".html")] if out and out.name.endswith(".html") else out.name) if out else result.stem
    outdir = out.parent if out else result.parent
    for path in write_outputs(doc, outdir, stem, ["html"], ExportOptions(images=images)):
        click.echo(str(path))


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the outputs and manifest.jsonl.",
)
@click.option("-f", "--format", "formats", default="txt,json", show_default=True, help=FORMATS_HELP)
@click.option(
    "--alto-unit",
    type=click.Choice(["pixel", "inch1200"]),
    default="pixel",
    show_default=True,
    help="ALTO MeasurementUnit.",
)
@alto_version_option
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes (default: CPU count).")
@click.option(
    "--page-timeout",
    type=float,
    default=None,
    help="Seconds before a page is given up as hung (0: no limit; default: 2 minutes plus 30 s per megapixel).",
)
@click.option(
    "--max-memory",
    type=int,
    default=0,
    show_default=True,
    help="Resident memory a worker may use, in MB (0: no limit); a page over it is stopped and recorded as failed.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine. ray: Ray actors, one per CPU slot (pip install 'digitizer[ray]').",
)
@click.option(
    "--ray-address",
    default=None,
    help="The Ray cluster to run on ('auto', or HOST:PORT of its head); default: a Ray started here for the batch.",
)
@click.option(
    "--workers-write",
    is_flag=True,
    help="Ray: workers write each page's outputs into OUTDIR themselves (OUTDIR on storage every node sees); "
    "by default they send them back and this process writes them.",
)
@click.option(
    "--issue",
    "as_issue",
    is_flag=True,
    help="All INPUTS are one newspaper issue, page after page: --format mets / pdf write one <issue>.mets.xml / "
    "<issue>.pdf for it (not one per input), named after the one folder given or --issue-name; stories that jump "
    "between its pages are linked.",
)
@click.option(
    "--issue-name", default=None, help="The issue's name, for its METS, PDF and whole-story files (with --issue)."
)
@click.option(
    "--pdfa/--no-pdfa",
    default=True,
    show_default=True,
    help="Write searchable PDFs as PDF/A-2b (validated before they are kept), or as plain PDFs.",
)
@articles_option
@click.option("--fail-fast", is_flag=True, help="Stop at the first failed page.")
@click.option("--force", is_flag=True, help="Redo pages the manifest records as done.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Print the summary of an earlier run into this folder and exit.",
)
@engine_options
@_handle_errors
def batch(
    inputs: tuple[Path, ...],
    outdir: Path | None,
    formats: str,
    alto_unit: str,
    alto_version: str,
    jobs: int | None,
    page_timeout: float | None,
    max_memory: int,
    executor: str,
    ray_address: str | None,
    workers_write: bool,
    as_issue: bool,
    issue_name: str | None,
    pdfa: bool,
    articles: str,
    fail_fast: bool,
    force: bool,
    report_dir: Path | None,
    **kw: Any,
) -> None:
    """Convert INPUTS (files, folders searched recursively, glob patterns) into OUTDIR, resumably.

    Each page is recorded in OUTDIR/manifest.jsonl (done or failed, with the reason); rerunning the same command
    skips pages already done with the same settings. Exit code 0 when every page is done, 10 when some failed.
    """
    from .batch import report, run_batch
    from .errors import BadOptionError

    if report_dir is not None:
        summary = report(report_dir)
        click.echo(summary.text())
        sys.exit(int(ExitCode.SOME_PAGES_FAILED) if summary.failed else 0)
    if not inputs or outdir is None:
        raise BadOptionError("batch needs INPUT... and -o OUTDIR (or --report OUTDIR)")
    fmts = parse_formats(formats)
    opts = build_options(**kw).as_dict()
    issue = None
    if issue_name is not None and not as_issue:
        raise BadOptionError("--issue-name goes with --issue")
    if as_issue:
        issue = issue_name or (inputs[0].resolve().name if len(inputs) == 1 and inputs[0].is_dir() else None)
        if issue is None:
            raise BadOptionError("--issue with other than one folder: name the issue with --issue-name")
    summary = run_batch(
        inputs,
        outdir,
        opts,
        fmts,
        jobs=jobs,
        page_timeout=page_timeout,
        fail_fast=fail_fast,
        force=force,
        alto_unit=alto_unit,
        alto_version=alto_version,
        max_memory_mb=max_memory,
        threads=kw["threads"],
        executor=executor,
        ray_address=ray_address,
        workers_write=workers_write,
        issue=issue,
        pdfa=pdfa,
        articles=articles,
    )
    click.echo(summary.text(), err=True)
    if summary.failed:
        sys.exit(int(ExitCode.SOME_PAGES_FAILED))


@main.command(name="eval")
@click.argument("gt_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("pred_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--loose",
    is_flag=True,
    help="Score generated ground truth too on lowercase letters and digits only (plain transcriptions always are).",
)
@_handle_errors
def eval_cmd(gt_dir: Path, pred_dir: Path, as_json: bool, loose: bool) -> None:
    """Score PRED_DIR/<stem>.txt against the ground truth in GT_DIR, folders searched recursively.

    Ground truth: <stem>.gt.json (generated pages: cer_order, char_recall, intact, order), or beside a scan
    <stem>.txt (a transcription: scores on lowercase letters and digits, and word F1), <stem>.xml as PAGE
    (regions in reading order: region_order from geometry) or ALTO (an archive's OCR: word recall, and
    lines_across, output lines that run across two of its side-by-side blocks).

    Exit code 0 when every ground-truth page has an output, 10 when some have none (listed), 3 when no page
    could be scored at all.
    """
    import json

    from .errors import InputNotFoundError
    from .evaluate import evaluate_dirs, format_table

    report = evaluate_dirs(gt_dir, pred_dir, loose)
    if not report["count"]:
        what = (
            f"none of the {len(report['missing'])} pages"
            if report["missing"]
            else "no ground truth (.gt.json, or .txt or .xml beside a scan)"
        )
        raise InputNotFoundError(f"nothing to score: {what} in {gt_dir} has an output <stem>.txt in {pred_dir}")
    click.echo(json.dumps(report, ensure_ascii=False, indent=1) if as_json else format_table(report))
    if report["missing"]:
        click.echo(
            f"digitizer: {len(report['missing'])} ground-truth pages have no output: {', '.join(report['missing'])}",
            err=True,
        )
        sys.exit(int(ExitCode.SOME_PAGES_FAILED))


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--count", type=int, default=3, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en", "mixed"]), default="mixed", show_default=True)
@click.option(
    "--style",
    type=click.Choice(["modern", "historical", "vertical"]),
    default="modern",
    show_default=True,
    help="historical: 6-9 columns of small old type, faint or broken rules, a fold, torn edges, a dark scanner "
    "border, pencil marks; greyscale JPEG or bitonal TIFF. vertical: Chinese set top to bottom in tiers of "
    "ruled-off articles, traditional and simplified, aged like historical (--lang is ignored).",
)
@_handle_errors
def synth(outdir: Path, count: int, seed: int, lang: str, style: str) -> None:
    """Render COUNT synthetic newspaper pages with exact ground truth into OUTDIR."""
    from .synth import generate

    for path in generate(outdir, count=count, seed=seed, lang=lang, style=style):
        click.echo(str(path))


@main.command()
@click.argument("outdirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("digitizer-index.db"),
    show_default=True,
    help="The SQLite index to make or update.",
)
@_handle_errors
def index(outdirs: tuple[Path, ...], db: Path) -> None:
    """Index the articles, ads and pages in OUTDIRS (convert or batch outputs with json or jsonl) for search.

    A rerun adds new and changed pages and drops removed ones (a batch's manifest says which pages are done).
    """
    from .search import build_index

    click.echo(build_index(list(outdirs), db).text(), err=True)


@main.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="The hits as JSON lines.")
@click.option("--limit", type=int, default=10, show_default=True, help="How many hits at most.")
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(["article", "ad", "page"]),
    multiple=True,
    help="Only these kinds of record (repeatable; default: all).",
)
@_handle_errors
def search(db: Path, query: str, as_json: bool, limit: int, kinds: tuple[str, ...]) -> None:
    """Search the index DB for QUERY: every word must match (Chinese: every string), "quoted" words as a phrase.

    Hits best first (BM25), each with its file, page, article or ad id, a snippet with the match in [ ], and its
    box in the scan. No hits is not an error.
    """
    import json

    from .search import KINDS
    from .search import search as run_search

    hits = run_search(db, query, limit, kinds or KINDS)
    if not hits:
        log.info("no hits for %r", query)
    for h in hits:
        if as_json:
            click.echo(json.dumps(h.to_dict(), ensure_ascii=False))
        else:
            box = ",".join(str(v) for v in h.bbox) if h.bbox else "-"
            click.echo(f"{h.score:7.2f}  {h.kind:<7} {h.id}  {h.source} p{h.page}  [{box}]\n         {h.snippet}")


if __name__ == "__main__":  # pragma: no cover
    main()
