"""Shared pieces of the field-work tests: points in the test tree, photos, a signed-in worker."""

import io

import pytest
from PIL import Image

# Points in the test tree of fengqiao/conftest.py: grid g of community c in street s spans
# x 113.0 + 0.2*s + 0.1*g (0.1 wide) and y 27.8 + 0.2*c (0.2 high).
OWN_GRID = (113.06, 27.85)  # 430299001001001, the grid worker's grid
OWN_GRID_2 = (113.09, 27.85)  # also 430299001001001
NEXT_GRID = (113.15, 27.85)  # 430299001001002, same community, another grid
OTHER_STREET = (113.25, 27.85)  # 430299002001001
OUTSIDE = (100.0, 30.0)  # outside the district


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def worker_client(client, personas):
    client.force_login(personas.grid_worker)
    return client


def jpeg(colour=(200, 30, 30), size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()
