"""Print how long each chapter took to execute in the last book build.

The book executes its chapters through the execution cache
(``execute_notebooks: cache``), which records each chapter's run time. This
reads those records, prints one line per chapter, slowest first, and exits
with status 1 if a chapter took longer than the limit, so that ``make test``
keeps every chapter quick enough to rebuild.

usage: python tools/execution_report.py [CACHE_DIR] [--limit SECONDS]
"""

import argparse
import pathlib
import sys

from jupyter_cache import get_cache


def chapter_times(cache_dir):
    """(chapter path relative to the repository, seconds) for every chapter
    the cache holds an execution of; its latest, where it holds several."""
    root = pathlib.Path.cwd().resolve()
    latest = {}
    for record in get_cache(cache_dir).list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is None:
            continue
        path = pathlib.Path(record.uri).resolve()
        if path.is_relative_to(root):
            path = path.relative_to(root)
        name = path.as_posix()
        if name not in latest or record.created > latest[name][0]:
            latest[name] = (record.created, float(seconds))
    times = [(name, seconds) for name, (_, seconds) in latest.items()]
    return sorted(times, key=lambda item: -item[1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "cache_dir", nargs="?", default="_build/.jupyter_cache"
    )
    parser.add_argument("--limit", type=float, default=90.0)
    args = parser.parse_args(argv)
    if not pathlib.Path(args.cache_dir).is_dir():
        print(f"no execution cache at {args.cache_dir}: build the book first")
        return 1
    times = chapter_times(args.cache_dir)
    width = max((len(name) for name, _ in times), default=10)
    print(f"{'chapter':<{width}}  seconds")
    for name, seconds in times:
        flag = "  OVER THE LIMIT" if seconds > args.limit else ""
        print(f"{name:<{width}}  {seconds:7.1f}{flag}")
    print(f"{'total':<{width}}  {sum(s for _, s in times):7.1f}")
    slow = [name for name, seconds in times if seconds > args.limit]
    if slow:
        print(
            f"{len(slow)} chapter(s) over {args.limit:.0f} s: "
            + ", ".join(slow)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
