"""The home page of a busy coordinator costs the same number of queries however much there is."""

from benchmarks.home_data import COORDINATOR, build_busy_network


def _home_queries(client, count_queries) -> tuple[int, str]:
    client.get("/")  # the first visit may set up the session; count a later one
    with count_queries() as counted:
        response = client.get("/")
    assert response.status_code == 200
    return counted[0], response.get_data(as_text=True)


def _busy_home(app, make_client, count_queries, prefix: str, **sizes) -> tuple[int, str]:
    with app.app_context():
        build_busy_network(password="correct horse battery", prefix=prefix, **sizes)
    client = make_client()
    client.login(prefix + COORDINATOR)
    return _home_queries(client, count_queries)


def test_the_home_page_runs_a_fixed_number_of_queries(app, make_client, count_queries):
    small, small_page = _busy_home(app, make_client, count_queries, "small-", statements=14, threads=40, signons=100)
    large, large_page = _busy_home(app, make_client, count_queries, "large-", statements=50, threads=2000, signons=5000)
    assert small == large <= 20, (small, large)
    for words in ("waiting for approval", "possible duplicate", "open threads to settle", "You are mentioned",
                  "open it for sign-on", "ready to publish", "Sign-on deadline", "Comment period ending"):
        assert words in small_page and words in large_page, words
