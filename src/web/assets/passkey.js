// Gatepass passkey forms (sign-in and Security info): fetch the WebAuthn options, let the browser ask the
// authenticator, put its answer (JSON) in the hidden `credential` input and submit the form. Served as a file:
// the pages' CSP allows no inline script. Needs SimpleWebAuthnBrowser (simplewebauthn-browser.js) loaded first.
(() => {
  var form = document.getElementById('passkey-form');
  if (!form) return;
  var button = document.getElementById('passkey-start');
  var errorBox = document.getElementById('passkey-error');
  var lib = window.SimpleWebAuthnBrowser;
  var mode = form.getAttribute('data-mode');

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  function messageFor(error) {
    var name = error?.name;
    if (name === 'InvalidStateError' || (error && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED'))
      return 'This device already holds a passkey for your account. Use it to sign in, or add a passkey on another device.';
    if (name === 'NotAllowedError' || name === 'AbortError')
      return 'The passkey request was cancelled or timed out. Try again.';
    if (name === 'SecurityError') return 'This site cannot use passkeys at this address.';
    return 'Your browser could not use a passkey here. Try again, or use another way.';
  }

  if (!lib?.browserSupportsWebAuthn()) {
    if (mode !== 'discoverable') showError('This browser cannot use passkeys. Use another way.');
    return;
  }
  button.hidden = false;

  button.addEventListener('click', () => {
    errorBox.hidden = true;
    button.disabled = true;
    var csrf = form.querySelector('input[name="csrf"]');
    fetch(form.getAttribute('data-options-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ csrf: csrf ? csrf.value : '', mode: mode }),
    })
      .then((res) =>
        res.json().then(
          (body) => ({ ok: res.ok, body: body }),
          () => ({ ok: false, body: {} }),
        ),
      )
      .then((answer) => {
        if (!answer.ok) {
          showError(answer.body.message || 'The passkey request could not start. Reload the page and try again.');
          return;
        }
        var ceremony =
          mode === 'register'
            ? lib.startRegistration({ optionsJSON: answer.body })
            : lib.startAuthentication({ optionsJSON: answer.body });
        return ceremony.then(
          (credential) => {
            form.querySelector('input[name="credential"]').value = JSON.stringify(credential);
            form.submit();
          },
          (error) => {
            showError(messageFor(error));
          },
        );
      })
      .catch(() => {
        showError('The passkey request could not start. Check your connection and try again.');
      });
  });
})();
