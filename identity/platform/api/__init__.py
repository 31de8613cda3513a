"""The embedded Platform API's HTTP surface: parse the request, call the domain,
answer Heroku-shaped JSON (heroku-api.md).  Nothing here holds a rule or SQL."""
