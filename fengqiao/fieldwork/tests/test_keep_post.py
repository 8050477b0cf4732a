"""keep_post: a form posted after the session expired is kept and filled in after login."""

import re
import time
import uuid

from django.contrib.messages import get_messages
from django.urls import reverse

from fengqiao.cases.models import Case
from fengqiao.core import keep_post
from fengqiao.fieldwork.models import Visit

from .conftest import jpeg

VISIT = "/grid/visits/new/"
REPORT = "/grid/report/"


def sign_in(client, next_url):
    return client.post(
        reverse("login"),
        {"username": "grid_worker", "password": "pw-grid_worker", "next": next_url},
    )


def test_expired_session_post_is_kept_and_refilled_after_login(client, personas):
    key = uuid.uuid4().hex
    data = {
        "visited_at": "2026-01-05T09:30",
        "place_kind": "shop",
        "address": "解放街12号小卖部",
        "purpose": "消防安全检查",
        "findings": "灭火器过期，已提醒更换",
        "report_issue": "on",
        "submission_key": key,
    }
    response = client.post(VISIT, data)  # nobody is signed in: the session expired
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={VISIT}"
    assert Visit.objects.count() == 0

    login_page = client.get(response["Location"]).content.decode()
    assert "您填写的内容已保存" in login_page

    back = sign_in(client, VISIT)
    assert back.status_code == 302 and back["Location"] == VISIT
    body = client.get(VISIT).content.decode()
    assert 'value="解放街12号小卖部"' in body and "灭火器过期，已提醒更换" in body
    assert 'value="2026-01-05T09:30"' in body and f'value="{key}"' in body
    assert re.search(r'<input[^>]*value="shop"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="report_issue"[^>]*checked', body)
    assert "已填回登录过期前填写的内容" in body
    assert "csrfmiddlewaretoken" not in str(client.session.get(f"keep_post:{VISIT}", ""))

    # Only once: the saved text is gone after it was used.
    assert "灭火器过期" not in client.get(VISIT).content.decode()


def test_files_cannot_be_kept_and_the_user_is_told(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        REPORT,
        {
            "description": "路灯不亮",
            "photos": [SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")],
        },
    )
    sign_in(client, REPORT)
    body = client.get(REPORT).content.decode()
    assert "路灯不亮" in body and "请重新选择" in body
    assert Case.objects.count() == 0


def test_kept_text_expires(client, personas):
    client.post(VISIT, {"address": "旧的地址"})
    session = client.session
    session[f"keep_post:{VISIT}"]["saved_at"] = time.time() - keep_post.KEEP_FOR - 1
    session.save()
    sign_in(client, VISIT)
    assert "旧的地址" not in client.get(VISIT).content.decode()


def test_a_get_without_session_just_redirects(client, personas):
    response = client.get(VISIT)
    assert response.status_code == 302
    assert not any(k.startswith("keep_post:") for k, _ in client.session.items())
    assert list(get_messages(response.wsgi_request)) == []


def test_size_is_limited(rf, personas):
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.post(VISIT, {"a": "x" * (keep_post.MAX_CHARS + 1), "b": "kept"})
    request.session = SessionStore()
    assert keep_post.save(request)
    saved = request.session[f"keep_post:{VISIT}"]["data"]
    assert saved == {"b": ["kept"]}
