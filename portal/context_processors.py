from portal.models import SiteProfile


def site_profile(request):
    return {"site": SiteProfile.current()}
