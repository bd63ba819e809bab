from django.shortcuts import render


def apply_info(request):
    """依申请公开: how to apply. The online form comes with the applications workflow (#5)."""
    return render(request, "applications/apply.html", {"title_hint": request.GET.get("title", "")[:300],
                                                       "index_hint": request.GET.get("index", "")[:100]})
