import pytest
from tests.browser.test_search_ui import phone, PHONE  # noqa
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
def test_shot(phone, catalog_server):
    phone.goto(catalog_server + "/search/?q=health")
    phone.screenshot(path="/tmp/searchui-phone.png", full_page=False)
    print(phone.evaluate("""() => [...document.querySelectorAll('header, h1, .alert-panel, .search-form, .skip-to-results, .filters-toggle, .results-bar, .result-list .result')].slice(0,9).map(e => e.className + ' ' + e.tagName + ' ' + Math.round(e.getBoundingClientRect().top) + '-' + Math.round(e.getBoundingClientRect().bottom))"""))
