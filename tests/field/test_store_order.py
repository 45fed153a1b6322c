"""The tablet's sealed store writes in the order the app asked: sealing is asynchronous, so a save
asked for before a delete could otherwise land after it and bring a submitted draft back."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.services]


def test_a_deleted_draft_stays_deleted_when_a_save_was_asked_for_first(field_app, responder, tablet_device):
    _context, page = field_app(responder, tablet_device)
    left = page.evaluate("""async () => {
      const save = FLStore.put("drafts", { id: "gone", narrative: "x".repeat(4000000) }, "gone");
      const remove = FLStore.del("drafts", "gone");
      await Promise.all([save, remove]);
      return (await FLStore.get("drafts", "gone")) === undefined;
    }""")
    assert left is True
