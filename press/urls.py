from django.urls import path

from press import views

app_name = "press"

urlpatterns = [
    path("press/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
