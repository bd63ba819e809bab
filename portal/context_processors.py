from portal.models import SiteProfile

# The display modes for older and low-vision readers (适老化): set by views.display_preferences.
FONT_COOKIE = "a11y_font"
CONTRAST_COOKIE = "a11y_contrast"
FONT_CHOICES = ("normal", "large")
CONTRAST_CHOICES = ("normal", "high")


def site_profile(request):
    return {"site": SiteProfile.current()}


def display_preferences(request):
    """The reader's display modes, as classes for <html> and as switches' pressed states."""
    large_font = request.COOKIES.get(FONT_COOKIE) == "large"
    high_contrast = request.COOKIES.get(CONTRAST_COOKIE) == "high"
    classes = [name for name, on in (("large-font", large_font), ("high-contrast", high_contrast)) if on]
    return {"a11y_classes": " ".join(classes), "a11y_large_font": large_font, "a11y_high_contrast": high_contrast}
