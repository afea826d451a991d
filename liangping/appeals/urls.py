from django.urls import path

from liangping.appeals import views_intake, views_public, views_rates, views_rosters

app_name = "appeals"
urlpatterns = [
    path("public/", views_public.public_new, name="public_new"),
    path("public/lookup/", views_public.public_lookup, name="public_lookup"),
    path("new/", views_intake.intake_page, name="intake"),
    path("rates/", views_rates.rates_page, name="rates"),
    path("duty/", views_rosters.duty_page, name="duty"),
    path("duty/<int:pk>/delete/", views_rosters.duty_delete, name="duty_delete"),
    path("windows/", views_rosters.window_page, name="windows"),
    path("windows/<int:pk>/delete/", views_rosters.window_delete, name="window_delete"),
]
