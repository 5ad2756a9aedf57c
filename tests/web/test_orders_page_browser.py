"""The 指令书 page in chromium, paged by enterprise: the inspector narrows the list with the 镇街 and a part
of the name, ticks the enterprise's hazards and sees them counted. Screenshots in out/screens/."""
from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)

ENTERPRISE = "晋城市城区兴盛化工有限公司"


def test_search_narrows_the_orderable_enterprises(filled, live_server, browser, visit):
    base, _ = live_server
    wait = WebDriverWait(browser, 60)
    visit(f"{base}/orders", "orders")
    groups = browser.find_elements(By.CSS_SELECTOR, "tbody.enterprise")
    assert len(groups) > 1 and "家单位有可出具的隐患" in browser.page_source
    search = browser.find_element(By.NAME, "q")
    search.send_keys("兴盛")
    search.submit()
    wait.until(ec.url_contains("q="))
    visit(None, "orders-search")
    groups = browser.find_elements(By.CSS_SELECTOR, "tbody.enterprise")
    assert len(groups) == 1 and ENTERPRISE in groups[0].text and "共 1 家单位" in browser.page_source
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "兴盛"
    groups[0].find_element(By.CSS_SELECTOR, ".pick-all").click()
    assert len(groups[0].find_elements(By.CSS_SELECTOR, "input[name=hazard]:checked")) == 3
    search = browser.find_element(By.NAME, "q")
    search.clear()
    search.send_keys("没有这家单位")
    search.submit()
    wait.until(ec.text_to_be_present_in_element((By.ID, "issue"), "没有符合条件的单位"))
    visit(None, "orders-none")


def test_decision_suggests_enterprises_as_typed(filled, live_server, browser, visit):
    base, _ = live_server
    visit(f"{base}/orders#decision", "orders-decision")
    field = browser.find_element(By.CSS_SELECTOR, "#decision input[name=enterprise]")
    field.send_keys("兴盛")
    def options(b) -> list[str]:
        return [o.get_attribute("value") for o in b.find_elements(By.CSS_SELECTOR, "#enterprise-names option")]
    # focusing offers the first names; what is typed narrows them to the one enterprise
    # the list is swapped while typing: an option read as it goes is retried
    WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: options(b) == [ENTERPRISE])
    visit(None, "orders-decision-typed")
