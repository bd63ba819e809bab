from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.pagecache import chosen_language


class ChineseFirstLocaleMiddleware:
    """The portal speaks Chinese unless the visitor chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so staff on an
    English-language browser would get an English back office; here only the explicit choice
    (the language cookie set by /i18n/setlang/) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response
