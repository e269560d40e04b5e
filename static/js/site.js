/* The site's one script. Every page reads and works without it; it adds two things.

   1. "Exit this page" (templates/includes/exit_page.html), as GOV.UK's component behaves:
      clicking the button, or pressing Shift three times with no more than 5 seconds between
      presses, blanks the page and replaces it with a neutral site. location.replace takes the
      page out of the browser's history, so Back does not return to it.
   2. Tables too wide for the screen scroll inside their box (.table-scroll). Such a box must be
      a keyboard stop, or keyboard users could not scroll it; a box that fits need not be one.
      The markup makes every box focusable (safe without this script); here only those that
      overflow stay focusable, checked again whenever the window changes size.

   It fetches nothing and stores nothing. */
(function () {
  "use strict";

  var SHIFT_TIMEOUT = 5000; // milliseconds allowed between two presses of Shift

  function setUpExitPage(root) {
    var link = root.querySelector(".exit-page-button");
    var status = root.querySelector("[data-exit-page-status]");
    var shortcut = document.getElementById("exit-page-shortcut");
    var presses = 0;
    var timer = null;
    var lastKeyWasModified = false;
    var overlay = null;

    function say(text) {
      status.textContent = text || "";
    }

    function leave() {
      say("");
      // Blank the page at once: a slow connection must not leave it on screen.
      document.documentElement.classList.add("exiting");
      overlay = document.createElement("p");
      overlay.className = "exit-page-overlay";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
      overlay.textContent = root.dataset.leaving;
      window.location.replace(link.href);
    }

    function reset(announce) {
      window.clearTimeout(timer);
      timer = null;
      presses = 0;
      say(announce ? root.dataset.timedOut : "");
    }

    link.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });

    // Shift counts only when pressed on its own: Shift+A sends a keyup for A with shiftKey set,
    // then one for Shift, which is then ignored.
    document.addEventListener(
      "keyup",
      function (event) {
        if (event.key === "Shift" && !lastKeyWasModified) {
          presses += 1;
          window.clearTimeout(timer);
          if (presses >= 3) {
            reset(false);
            leave();
          } else {
            say(presses === 1 ? root.dataset.pressTwoMore : root.dataset.pressOneMore);
            timer = window.setTimeout(function () {
              reset(true);
            }, SHIFT_TIMEOUT);
          }
        } else if (presses > 0) {
          reset(false);
        }
        lastKeyWasModified = event.shiftKey;
      },
      true
    );

    // A browser that restores the page from its cache would show it blank: show it again.
    window.addEventListener("pageshow", function () {
      document.documentElement.classList.remove("exiting");
      if (overlay) {
        overlay.remove();
        overlay = null;
      }
      reset(false);
    });

    // The shortcut works now, so screen readers may be told of it.
    if (shortcut) {
      shortcut.hidden = false;
      link.setAttribute("aria-describedby", shortcut.id);
    }
  }

  function setUpScrollBoxes(boxes) {
    function check() {
      boxes.forEach(function (box) {
        if (box.scrollWidth > box.clientWidth) {
          box.setAttribute("tabindex", "0");
        } else {
          box.removeAttribute("tabindex");
        }
      });
    }
    var pending = null;
    window.addEventListener("resize", function () {
      window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(check);
    });
    check();
  }

  var exitPage = document.querySelector("[data-exit-page]");
  if (exitPage) {
    setUpExitPage(exitPage);
  }
  var boxes = document.querySelectorAll(".table-scroll");
  if (boxes.length) {
    setUpScrollBoxes(boxes);
  }
})();
