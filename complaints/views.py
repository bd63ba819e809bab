from django.shortcuts import render


def interact(request):
    """互动交流: consultations, complaints and evaluation (M.10, M.18, M.19)."""
    return render(request, "complaints/interact.html")
