// Gatepass admin center and /my: small progressive enhancements, served from our own origin (CSP script-src 'self').
// 1. Every <time datetime> shows in the viewer's own time zone, in one format.
// 2. A button with data-copy copies the text of the element it names.

(() => {
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('time[datetime]').forEach((el) => {
    var d = new Date(el.getAttribute('datetime'));
    if (Number.isNaN(d.getTime())) return;
    el.textContent = format.format(d);
    el.title = zone;
  });
  document.querySelectorAll('input[data-local-datetime]').forEach((input) => {
    // The server reads the offset to turn the admin's local date and time into an instant.
    var offset = document.getElementById(input.getAttribute('data-local-datetime'));
    if (offset) offset.value = String(new Date().getTimezoneOffset());
  });
  document.querySelectorAll('button[data-copy]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(() => {
        var status = document.getElementById(`${button.getAttribute('data-copy')}-status`);
        if (status) status.textContent = 'Copied to the clipboard.';
      });
    });
  });
})();
