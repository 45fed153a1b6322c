"""Names a program gives its own vocabulary in its other languages, edited in the admin.

A model keeps them in a JSON field `names` ({"es": "..."}); a form built on `OtherNamesForm` shows
one text box per language of `settings.LANGUAGES` other than `LANGUAGE_CODE` (`name_es`, ...) and
writes the field back. Adding a language to the settings adds its box: no migration, no code.
"""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


NAME_FIELDS = tuple(f"name_{code}" for code in other_languages())


def _name_field(code: str) -> forms.CharField:
    language = get_language_info(code)["name_translated"]
    return forms.CharField(
        label=format_lazy(_("Name in {language}"), language=language),
        max_length=100,
        required=False,
        help_text=format_lazy(_("Shown to people using {language}. Left empty, they see the name."), language=language),
    )


class _OtherNames(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = self.instance.names or {}
        for code in other_languages():
            self.initial.setdefault(f"name_{code}", names.get(code, ""))

    def _post_clean(self):
        # Before the model's own checks run on the instance (CallType.clean checks `names`).
        names = dict(self.instance.names or {})
        for code in other_languages():
            text = (self.cleaned_data.get(f"name_{code}") or "").strip()
            if text:
                names[code] = text
            else:
                names.pop(code, None)
        self.instance.names = names
        super()._post_clean()


# The boxes are declared fields (the admin lays out only those), one per other language.
OtherNamesForm = type(_OtherNames)(
    "OtherNamesForm",
    (_OtherNames,),
    {"__module__": __name__, **{f"name_{code}": _name_field(code) for code in other_languages()}},
)
