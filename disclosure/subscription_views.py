"""信息订阅, the public side (issue #21 part 3): the form, the confirmation link, the one-click
unsubscribe (a page with a button for people, a POST without a page for mail programs: RFC 8058).
No account; pages with a form or a secret in the URL are never cached."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from disclosure import subscription_services
from disclosure.subscription_forms import SubscriptionForm
from disclosure.subscription_models import CONFIRM_DAYS
from portal import ratelimit
from portal.errors import DomainError

SUBSCRIBE_LIMIT = ratelimit.Limit("subscription_create", 5, 600)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("email")
def subscribe(request):
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if (retry_after := ratelimit.check(request, SUBSCRIBE_LIMIT)) is not None:
            form.is_valid()
            form.add_error(None, ratelimit.wait_message(retry_after))
            response = render(request, "disclosure/subscriptions/form.html", {"form": form}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            data = form.cleaned_data
            try:
                subscription_services.subscription_create(
                    email=data["email"], categories=data["categories"], offices=data["offices"],
                    document_types=data["document_types"], query=data["query"], frequency=data["frequency"],
                    idempotency_key=data["idempotency_key"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "disclosure/subscriptions/sent.html", {"days": CONFIRM_DAYS})
        status = 400
    return render(request, "disclosure/subscriptions/form.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def confirm(request, token: str):
    try:
        subscription = subscription_services.subscription_confirm(token)
    except DomainError as error:
        return render(request, "disclosure/subscriptions/confirmed.html", {"error": str(error)}, status=400)
    return render(request, "disclosure/subscriptions/confirmed.html",
                  {"topics": subscription_services.describe(subscription),
                   "frequency": subscription.get_frequency_display()})


@csrf_exempt  # RFC 8058: the mail program posts "List-Unsubscribe=One-Click" with no page and no cookie
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    subscription = subscription_services.subscription_for_unsubscribe(token)
    if request.method == "POST":
        if subscription is not None:
            subscription_services.subscription_delete(subscription)
        # Said the same whether or not it was still there: a second click is not an error.
        return render(request, "disclosure/subscriptions/unsubscribe.html", {"done": True})
    if subscription is None:
        return render(request, "disclosure/subscriptions/unsubscribe.html", {"done": True, "gone": True})
    return render(request, "disclosure/subscriptions/unsubscribe.html",
                  {"topics": subscription_services.describe(subscription)})
