"""What the answers given again without the framework share (`export.recent_files`, `signons.recent_pages`,
`signons.recent_signing`):
which requests may get one, and the request id and log line each gets as the app would give them."""

from statements.core.request_log import REQUEST_ID_HEADER, escaped_path, log_answer, request_id_of

#: any of these makes a request one the app answers itself: its answer is not the plain one kept
OWN_ANSWER_HEADERS = ("HTTP_COOKIE", "HTTP_RANGE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_RANGE",
                      "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "QUERY_STRING")


def may_answer_again(environ: dict) -> bool:
    """A plain GET from a visitor without a cookie, asking for the whole of an address with no query."""
    return environ.get("REQUEST_METHOD") == "GET" and not any(environ.get(name) for name in OWN_ANSWER_HEADERS)


def start_answer(environ: dict, start_response, status: str, headers: list, started: float,
                 method: str = "GET") -> None:
    """Start an answer given again, with a request id of its own, and write its log line as the app would
    (`started`: from time.perf_counter(), when the request came in)."""
    request_id = request_id_of(environ)
    start_response(status, [*headers, (REQUEST_ID_HEADER, request_id)])
    log_answer(request_id, method, escaped_path(environ.get("PATH_INFO", "")), int(status[:3]), started, "-",
               environ.get("REMOTE_ADDR"))
