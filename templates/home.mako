<%inherit file="base.mako"/>
<%def name="title()">Logged in</%def>
<h1>Identity</h1>
<p>You are logged in as <strong>${user["full_name"] or user["email"]}</strong>
% if user["full_name"]:
(${user["email"]})
% endif
.</p>
<p class="links"><a href="/account/email">Change email address</a></p>
<form method="post" action="/logout">
  <button type="submit" class="secondary">Log out</button>
</form>
