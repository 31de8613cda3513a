<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${self.title()} · Identity</title>
  <link rel="stylesheet" href="/static/identity.css">
</head>
<body>
  <main class="card">
% for message in flashes:
    <p class="flash" role="alert">${message}</p>
% endfor
${next.body()}
  </main>
</body>
</html>
<%def name="title()">Identity</%def>
<%def name="csrf_field()"><input type="hidden" name="csrf_token" value="${csrf_token}"></%def>
