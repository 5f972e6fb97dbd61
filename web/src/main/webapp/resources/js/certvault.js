// Refreshes part of a form when a select changes, through Faces' Ajax API. Kept in a file (not inline
// handlers) so that the Content-Security-Policy can forbid inline script.
document.addEventListener('change', function (event) {
    var render = event.target.getAttribute('data-render');
    if (render && window.faces) {
        faces.ajax.request(event.target, event, {execute: event.target.id, render: render});
    }
});
