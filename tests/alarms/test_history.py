"""Alarm history: filters, police scope, Excel/CSV export with every step, access log (R-33.5, 第16条)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from anfang.alarms import services
from anfang.alarms.models import Alarm
from anfang.core.models import AccessRecord
from anfang.integrations import events as ev
from tests.alarms.conftest import AlarmSite, event

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def history(site: AlarmSite) -> dict[str, Alarm]:
    """Three alarms in A: a handled perimeter alarm reported to police, a false emergency, an open one;
    and one alarm in B."""
    t = site.tenancy
    real = Alarm.objects.get(pk=services.ingest(event(external_id="r1")).alarm_id)
    services.acknowledge(real, by=t.operator_a)
    services.dispatch(real, by=t.operator_a, to="巡逻一组")
    services.report_to_police(real, by=t.operator_a, channel="110", officer="王警官", case_number="J2026-1")
    services.resolve(real, by=t.operator_a, outcome="real_incident", note='=HYPERLINK("x") 翻越者已被带走')
    false = Alarm.objects.get(
        pk=services.ingest(event(device="SOS-1", external_id="f1", type=ev.EMERGENCY, zone="")).alarm_id
    )
    services.acknowledge(false, by=t.manager_a)
    services.resolve(false, by=t.manager_a, outcome="false_alarm", note="住户误按")
    opened = Alarm.objects.get(pk=services.ingest(event(external_id="o1", zone="2")).alarm_id)
    other = Alarm.objects.get(pk=services.ingest(event(device="PIR-B", external_id="b1")).alarm_id)
    return {"real": real, "false": false, "open": opened, "other": other}


def rows_of(response: Any) -> str:
    return response.content.decode()


def test_history_lists_the_communitys_alarms_with_links(site: AlarmSite, history: dict[str, Alarm]) -> None:
    response = client_for(site.tenancy.manager_a).get("/c/a/alarms/")
    assert response.status_code == 200
    html = rows_of(response)
    for key in ("real", "false", "open"):
        assert f"#{history[key].pk}<" in html
    assert f"#{history['other'].pk}<" not in html
    assert "导出 Excel" in html and "导出 CSV" in html
    # Looking at the unfiltered list is not a search: nothing in the access log.
    assert not AccessRecord.objects.filter(resource="alarm_history").exists()


def test_filters_narrow_and_every_search_is_access_logged(site: AlarmSite, history: dict[str, Alarm]) -> None:
    c = client_for(site.tenancy.manager_a)
    html = rows_of(c.get("/c/a/alarms/", {"outcome": "false_alarm"}))
    assert f"#{history['false'].pk}<" in html and f"#{history['real'].pk}<" not in html
    html = rows_of(c.get("/c/a/alarms/", {"reported": "true"}))
    assert f"#{history['real'].pk}<" in html and f"#{history['false'].pk}<" not in html
    html = rows_of(c.get("/c/a/alarms/", {"reported": "false", "state": "new"}))
    assert f"#{history['open'].pk}<" in html and f"#{history['false'].pk}<" not in html
    html = rows_of(c.get("/c/a/alarms/", {"type": "emergency", "device": "SOS-1"}))
    assert f"#{history['false'].pk}<" in html and f"#{history['open'].pk}<" not in html
    today = timezone.localdate()
    html = rows_of(c.get("/c/a/alarms/", {"date_from": str(today + dt.timedelta(days=1))}))
    assert "没有符合条件的报警" in html
    logged = AccessRecord.objects.filter(resource="alarm_history", kind="search").order_by("seq")
    assert logged.count() == 5
    first = logged.first()
    assert first is not None
    assert first.query == {"outcome": "false_alarm"} and first.result_count == 1
    assert first.actor_name == "manager_a" and first.community_id == site.tenancy.a.pk


def test_bad_filter_input_is_kept_and_explained(site: AlarmSite, history: dict[str, Alarm]) -> None:
    c = client_for(site.tenancy.manager_a)
    response = c.get("/c/a/alarms/", {"date_from": "2026-13-40", "q": "东门"})
    assert response.status_code == 200
    html = rows_of(response)
    assert 'value="2026-13-40"' in html and 'value="东门"' in html
    assert "errorlist" in html
    response = c.get("/c/a/alarms/", {"date_from": "2026-11-20", "date_to": "2026-11-01"})
    assert "截止日期不能早于起始日期" in rows_of(response)
    # An export with a bad filter exports nothing and says why.
    response = c.get("/c/a/alarms/export.xlsx", {"date_from": "nonsense"})
    assert response.status_code == 302 and "date_from=nonsense" in response["Location"]
    assert not AccessRecord.objects.filter(kind="export").exists()


def test_excel_export_has_every_step_who_outcome_and_police_report(
    site: AlarmSite, history: dict[str, Alarm]
) -> None:
    c = client_for(site.tenancy.manager_a)
    response = c.get("/c/a/alarms/export.xlsx", {"outcome": "real_incident"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="alarms-a-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "小区A" in str(values[0][0])
    assert "处置结果" in str(values[1][0])  # the filter is described
    header = values[2]
    data = values[3:]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    real = history["real"]
    real.refresh_from_db()
    assert row["报警编号"] == real.pk and row["处置结果"] == "真实警情"
    assert row["接警人"] == "operator_a" and row["派警人"] == "operator_a" and row["派往"] == "巡逻一组"
    assert (
        row["报警方式"] == "110 报警电话"
        and row["接警民警/接警员"] == "王警官"
        and row["警情编号"] == "J2026-1"
    )
    assert isinstance(row["接警时间"], dt.datetime) and isinstance(row["处置完毕时间"], dt.datetime)
    # Local time (Asia/Shanghai), not UTC.
    assert real.acknowledged_at is not None
    local_ack = timezone.localtime(real.acknowledged_at).replace(tzinfo=None)
    assert abs(row["接警时间"] - local_ack) < dt.timedelta(seconds=1)
    # A note that looks like a formula stays text.
    note_cell = sheet.cell(row=4, column=header.index("处置说明") + 1)
    assert note_cell.data_type == "s" and str(note_cell.value).startswith("=HYPERLINK")
    record = AccessRecord.objects.get(kind="export", resource="alarm_history")
    assert record.query == {"outcome": "real_incident", "format": "xlsx"} and record.result_count == 1


def test_export_takes_the_filter_bar_query_as_submitted(site: AlarmSite, history: dict[str, Alarm]) -> None:
    """The export link repeats the filter form's query: empty fields mean "all", not an error."""
    query = "date_from=&date_to=&type=&priority=&state=&outcome=false_alarm&device=&reported=unknown&q="
    response = client_for(site.tenancy.manager_a).get(f"/c/a/alarms/export.csv?{query}")
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [int(r[0]) for r in table[1:]] == [history["false"].pk]


def test_csv_export_opens_in_excel_and_neutralises_formulas(
    site: AlarmSite, history: dict[str, Alarm]
) -> None:
    response = client_for(site.tenancy.operator_a).get("/c/a/alarms/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][0] == "报警编号" and len(table) == 1 + 3
    notes = [r[table[0].index("处置说明")] for r in table[1:]]
    assert '\'=HYPERLINK("x") 翻越者已被带走' in notes
    assert AccessRecord.objects.filter(kind="export", query__format="csv").count() == 1


def test_police_see_only_alarms_reported_to_police(site: AlarmSite, history: dict[str, Alarm]) -> None:
    c = client_for(site.tenancy.police_a)
    html = rows_of(c.get("/c/a/alarms/"))
    assert f"#{history['real'].pk}<" in html
    assert f"#{history['false'].pk}<" not in html and f"#{history['open'].pk}<" not in html
    table = list(csv.reader(io.StringIO(c.get("/c/a/alarms/export.csv").content.decode().lstrip("\ufeff"))))
    assert [int(r[0]) for r in table[1:]] == [history["real"].pk]


def test_other_communitys_history_and_exports_are_not_found(
    site: AlarmSite, history: dict[str, Alarm]
) -> None:
    c = client_for(site.tenancy.manager_b)
    for url in ("/c/a/alarms/", "/c/a/alarms/export.xlsx", "/c/a/alarms/export.csv"):
        assert c.get(url).status_code == 404, url
    assert c.get("/c/a/alarms/export.pdf").status_code == 404
    assert client_for(site.tenancy.manager_a).get("/c/a/alarms/export.pdf").status_code == 404
    assert not AccessRecord.objects.filter(kind="export").exists()
    assert Client().get("/c/a/alarms/").status_code == 302  # log in first


def test_empty_history_says_so(tenancy: Any) -> None:
    html = rows_of(client_for(tenancy.manager_a).get("/c/a/alarms/"))
    assert "尚无报警记录" in html and "导出 Excel" not in html
