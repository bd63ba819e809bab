from django.urls import path

from disclosure import comment_views, feeds, subscription_views, views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("rules/", views.rules, name="rules"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("statutory/", views.statutory, name="statutory"),
    path("annual-reports/", views.annual_reports, name="annual_reports"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/print/", views.record_detail, {"printable": True}, name="record_print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("search/", views.search, name="search"),
    path("comments/", comment_views.comment_periods, name="comment_periods"),
    path("comments/<int:pk>/", comment_views.comment_period, name="comment_period"),
    path("subscribe/", subscription_views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", subscription_views.confirm, name="subscription_confirm"),
    path("subscribe/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
    path("feeds/latest.rss", feeds.LatestEntriesRss(), name="feed_rss"),
    path("feeds/latest.atom", feeds.LatestEntriesAtom(), name="feed_atom"),
    path("feeds/category/<slug:code>.rss", feeds.CategoryEntriesRss(), name="category_feed_rss"),
    path("feeds/category/<slug:code>.atom", feeds.CategoryEntriesAtom(), name="category_feed_atom"),
]
