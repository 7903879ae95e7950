// The activity form, like the paper sign-in sheet: the host group's members in the sheet's
// order (tick all, untick the absent), other members found one at a time by name, pinyin or
// initials (the server searches: /activities/attendees/), the ticked names listed by group
// in the sheet's order, each removable; live person-times; the status follows the date and
// the ticks until the user picks one, and a doubtful status is asked about before saving (the
// server asks too). Without JavaScript the form still works: the search button posts the form
// back with the members found.
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) {
    return;
  }
  var attendance = form.querySelector("[data-attendance]");
  var searchUrl = attendance.dataset.searchUrl;
  var hostList = form.querySelector("[data-host-list]");
  var hostLabel = form.querySelector("[data-host-label]");
  var hostBadge = form.querySelector("[data-host-badge]");
  var hostButtons = form.querySelector("[data-host-buttons]");
  var hostHint = form.querySelector("[data-host-hint]");
  var tickedList = form.querySelector("[data-ticked-list]");
  var groupSelect = form.querySelector("select[name=group]");
  var dateInput = form.querySelector("input[name=date]");
  var statusSelect = form.querySelector("[data-status-select]");
  var cancelReason = form.querySelector("[data-cancel-reason]");
  var others = form.querySelector("[data-other-participants]");
  var guestNames = form.querySelector("[name=guest_names]");
  var checkedOut = form.querySelector("[data-checked-count]");
  var personTimes = form.querySelector("[data-person-times]");
  var search = form.querySelector("[data-attendee-search]");
  var searchButton = form.querySelector("[data-attendee-search-button]");
  var searchStatus = form.querySelector("[data-search-status]");
  var results = form.querySelector("[data-search-results]");
  var question = form.querySelector("[data-status-question]");
  var text = JSON.parse(document.getElementById("activity-form-text").textContent);

  // Members of other groups ticked: id -> {id, name, group, group_number, sort, archived}.
  var otherMembers = new Map();
  var otherInputs = document.createElement("div");
  otherInputs.hidden = true;
  attendance.appendChild(otherInputs);
  var statusTouched = false;

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content) {
      node.textContent = content;
    }
    return node;
  }

  function hostBoxes() {
    return Array.prototype.slice.call(hostList.querySelectorAll("input[type=checkbox]"));
  }

  function checkedCount() {
    return hostBoxes().filter(function (box) { return box.checked; }).length + otherMembers.size;
  }

  function today() {
    var now = new Date();
    var month = String(now.getMonth() + 1).padStart(2, "0");
    var day = String(now.getDate()).padStart(2, "0");
    return now.getFullYear() + "-" + month + "-" + day;
  }

  // The status follows the user's own changes of the date and the ticks until they choose it
  // themselves. Never on load (the server's value stands) and never against an answer the
  // user already gave to the status question (the hidden "status_answer").
  function followStatus() {
    if (!statusSelect || statusTouched || !dateInput || !dateInput.value) {
      return;
    }
    if (keptAnswer && keptAnswer.value) {
      return;
    }
    var past = dateInput.value <= today();
    if (past && statusSelect.value === "planned" && checkedCount() > 0) {
      statusSelect.value = "held";
    } else if (!past && statusSelect.value === "held") {
      statusSelect.value = "planned";
    }
  }

  // `byUser`: the user changed the ticks, the date or the guests (the status may follow).
  function updateCounts(byUser) {
    var count = checkedCount();
    var extra = parseInt(others && others.value, 10);
    if (isNaN(extra) || extra < 0) {
      extra = 0;
    }
    checkedOut.textContent = String(count);
    personTimes.textContent = String(count + extra);
    if (byUser === true) {
      followStatus();
    }
    refreshQuestion(false);
  }

  function sheetOrder(a, b) {
    var ga = a.group_number === null || a.group_number === "" ? 999 : Number(a.group_number);
    var gb = b.group_number === null || b.group_number === "" ? 999 : Number(b.group_number);
    if (ga !== gb) {
      return ga - gb;
    }
    return a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.id - b.id;
  }

  function removeButton(name, onClick) {
    var button = el("button", "ticked-remove", "×");
    button.type = "button";
    button.setAttribute("aria-label", text.remove.replace("%s", name));
    button.addEventListener("click", onClick);
    return button;
  }

  function tickedName(name, archived, onRemove) {
    var chip = el("span", "ticked-name", name);
    if (archived) {
      chip.appendChild(document.createTextNode(" "));
      chip.appendChild(el("span", "badge text-bg-secondary", text.archived));
    }
    chip.appendChild(removeButton(name, onRemove));
    return chip;
  }

  function groupRow(label, count) {
    var row = el("div", "ticked-group");
    row.dataset.tickedGroup = "";
    var title = el("span", "ticked-label", label);
    title.appendChild(el("span", "text-body-secondary", "（" + count + "）"));
    row.appendChild(title);
    return row;
  }

  // The ticked names by group, in the order of the sheet: host group first, then by number.
  function renderTicked() {
    tickedList.textContent = "";
    otherInputs.textContent = "";
    var hostChecked = hostBoxes().filter(function (box) { return box.checked; });
    if (hostChecked.length) {
      var row = groupRow(hostLabel.textContent, hostChecked.length);
      hostChecked.forEach(function (box) {
        row.appendChild(tickedName(box.dataset.name, false, function () {
          box.checked = false;
          changed();
        }));
      });
      tickedList.appendChild(row);
    }
    var rest = Array.from(otherMembers.values()).sort(sheetOrder);
    var current = null;
    var currentRow = null;
    var counts = {};
    rest.forEach(function (member) {
      counts[member.group] = (counts[member.group] || 0) + 1;
    });
    rest.forEach(function (member) {
      if (member.group !== current) {
        current = member.group;
        currentRow = groupRow(member.group, counts[member.group]);
        tickedList.appendChild(currentRow);
      }
      currentRow.appendChild(tickedName(member.name, member.archived, function () {
        otherMembers.delete(member.id);
        changed();
      }));
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "attendees";
      input.value = String(member.id);
      otherInputs.appendChild(input);
    });
    if (!hostChecked.length && !rest.length) {
      tickedList.appendChild(el("p", "small text-body-secondary mb-0", text.noneTicked));
    }
  }

  function changed() {
    renderTicked();
    updateCounts(true);
  }

  function memberFromBox(box) {
    return {
      id: Number(box.value),
      name: box.dataset.name,
      group: box.dataset.group,
      group_number: box.dataset.groupNumber,
      sort: box.dataset.sort,
      archived: box.closest("label").querySelector(".badge") !== null,
    };
  }

  function hostBox(id) {
    return hostList.querySelector("input[value='" + Number(id) + "']");
  }

  function addMember(member) {
    var box = hostBox(member.id);
    if (box) {
      box.checked = true;
    } else {
      otherMembers.set(member.id, member);
    }
    changed();
  }

  // --- The host group's block ----------------------------------------------------------

  function hostItem(member, checked) {
    var item = el("li");
    var label = el("label", "form-check");
    var box = document.createElement("input");
    box.className = "form-check-input";
    box.type = "checkbox";
    box.name = "attendees";
    box.value = String(member.id);
    box.checked = checked;
    box.dataset.name = member.name;
    box.dataset.sort = member.sort;
    box.dataset.groupNumber = member.group_number;
    box.dataset.group = member.group;
    var name = el("span", "form-check-label", member.name);
    if (member.archived) {
      name.appendChild(document.createTextNode(" "));
      name.appendChild(el("span", "badge text-bg-secondary", text.archived));
    }
    label.appendChild(box);
    label.appendChild(name);
    label.appendChild(el("small", "attendee-company text-body-secondary text-truncate",
      member.company));
    item.appendChild(label);
    return item;
  }

  var hostRequest = 0;
  function keepTicked() {
    // The ticked members of the list being replaced stay ticked, among the others, until the
    // new list shows them again.
    hostBoxes().forEach(function (box) {
      if (box.checked) {
        otherMembers.set(Number(box.value), memberFromBox(box));
      }
    });
  }

  function loadHost() {
    var group = groupSelect ? groupSelect.value : "";
    if (!group) {
      hostRequest++;
      keepTicked();
      hostList.textContent = "";
      hostList.removeAttribute("aria-busy");
      hostLabel.textContent = text.hostGroup;
      hostBadge.hidden = true;
      hostButtons.hidden = true;
      hostHint.textContent = text.chooseGroup;
      changed();
      return;
    }
    var request = ++hostRequest;
    hostList.setAttribute("aria-busy", "true");
    var url = searchUrl + "?group=" + encodeURIComponent(group) +
      "&day=" + encodeURIComponent(dateInput && dateInput.value ? dateInput.value : today());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || text.failed);
          }
          return data;
        });
      })
      .then(function (data) {
        if (request !== hostRequest) {
          return;
        }
        // The list stayed on screen while loading: what was ticked meanwhile counts too.
        keepTicked();
        hostList.textContent = "";
        hostList.removeAttribute("aria-busy");
        data.results.forEach(function (member) {
          var wasTicked = otherMembers.has(member.id);
          otherMembers.delete(member.id);
          hostList.appendChild(hostItem(member, wasTicked));
        });
        var option = groupSelect.options[groupSelect.selectedIndex];
        hostLabel.textContent = option ? option.textContent : text.hostGroup;
        hostBadge.hidden = false;
        hostButtons.hidden = data.results.length === 0;
        hostHint.textContent = data.results.length ? text.sheetOrder : text.emptyGroup;
        changed();
      })
      .catch(function (error) {
        if (request !== hostRequest) {
          return;
        }
        hostList.removeAttribute("aria-busy");
        hostHint.textContent = error.message || text.failed;
        changed();
      });
  }

  // --- The search for members of other groups ------------------------------------------

  var searchTimer = null;
  var searchRequest = 0;

  function showResults(found) {
    results.textContent = "";
    found.forEach(function (member) {
      var already = otherMembers.has(member.id) ||
        (hostBox(member.id) !== null && hostBox(member.id).checked);
      var item = el("li");
      var button = el("button", "btn btn-light border w-100 text-start search-result");
      button.type = "button";
      button.disabled = already;
      var name = el("span", "fw-semibold", member.name);
      button.appendChild(name);
      var detail = member.group + (member.company ? " · " + member.company : "");
      button.appendChild(el("small", "d-block text-body-secondary text-truncate", detail));
      if (already) {
        button.appendChild(el("small", "search-result-state", text.ticked));
      }
      button.addEventListener("click", function () {
        addMember(member);
        search.value = "";
        results.textContent = "";
        searchStatus.textContent = text.added.replace("%s", member.name);
        search.focus();
      });
      item.appendChild(button);
      results.appendChild(item);
    });
  }

  function runSearch() {
    var query = search.value.trim();
    clearTimeout(searchTimer);
    if (!query) {
      results.textContent = "";
      searchStatus.textContent = "";
      return;
    }
    var request = ++searchRequest;
    var url = searchUrl + "?q=" + encodeURIComponent(query) +
      "&day=" + encodeURIComponent(dateInput && dateInput.value ? dateInput.value : today());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || text.failed);
          }
          return data;
        });
      })
      .then(function (data) {
        if (request !== searchRequest) {
          return;
        }
        showResults(data.results);
        searchStatus.textContent = data.results.length ? "" : text.noMatch;
      })
      .catch(function (error) {
        if (request === searchRequest) {
          results.textContent = "";
          searchStatus.textContent = error.message || text.failed;
        }
      });
  }

  // --- Status --------------------------------------------------------------------------

  // The answer given before the form came back for another error ("<question>:<answer>"):
  // the same question is not asked again (the server accepts the same answer).
  var keptAnswer = form.querySelector("[data-status-answer]");

  function currentQuestion() {
    if (!statusSelect) {
      return null;
    }
    var count = checkedCount();
    var asked = null;
    if (statusSelect.value === "planned" && count > 0) {
      asked = "planned_with_attendees";
    } else if (statusSelect.value === "held" && count === 0) {
      asked = "held_without_attendees";
    }
    if (asked && keptAnswer && keptAnswer.value.split(":")[0] === asked) {
      return null;
    }
    return asked;
  }

  // `show`: open the question (on saving); otherwise only keep an open one up to date.
  function refreshQuestion(show) {
    if (!question) {
      return null;
    }
    var asked = currentQuestion();
    if (!show && question.hidden) {
      return asked;
    }
    question.hidden = asked === null;
    question.querySelectorAll("[data-question]").forEach(function (part) {
      part.hidden = part.dataset.question !== asked;
    });
    return asked;
  }

  function toggleCancelReason() {
    if (statusSelect && cancelReason) {
      var hasError = cancelReason.querySelector(".is-invalid");
      cancelReason.hidden = statusSelect.value !== "cancelled" && !hasError;
    }
  }

  // --- Wiring --------------------------------------------------------------------------

  hostList.addEventListener("change", changed);
  attendance.querySelector("[data-select-all]").addEventListener("click", function () {
    hostBoxes().forEach(function (box) { box.checked = true; });
    changed();
  });
  attendance.querySelector("[data-select-none]").addEventListener("click", function () {
    hostBoxes().forEach(function (box) { box.checked = false; });
    changed();
  });
  if (others) {
    others.addEventListener("input", function () {
      updateCounts(true);
    });
  }
  if (guestNames && others) {
    // Named guests are counted: the number never stays below the names given.
    guestNames.addEventListener("change", function () {
      var names = guestNames.value.split(/[、,，;；\s]+/).filter(Boolean).length;
      if ((parseInt(others.value, 10) || 0) < names) {
        others.value = String(names);
        updateCounts(true);
      }
    });
  }
  if (groupSelect) {
    groupSelect.addEventListener("change", loadHost);
  }
  if (dateInput) {
    dateInput.addEventListener("change", function () {
      updateCounts(true);
      if (groupSelect && groupSelect.value) {
        loadHost();
      }
    });
  }
  if (statusSelect) {
    statusSelect.addEventListener("change", function () {
      statusTouched = true;
      toggleCancelReason();
      refreshQuestion(false);
    });
  }
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });
  search.addEventListener("keydown", function (event) {
    // Enter searches at once; it must not submit the whole form.
    if (event.key === "Enter") {
      event.preventDefault();
      runSearch();
    }
  });
  searchButton.addEventListener("click", function (event) {
    event.preventDefault();
    runSearch();
  });
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "status_decision") {
      return;
    }
    if (refreshQuestion(true)) {
      event.preventDefault();
      question.scrollIntoView({ block: "center" });
      var first = question.querySelector("[data-question]:not([hidden]) .btn");
      if (first) {
        first.focus({ preventScroll: true });
      }
    }
  });

  // The members of other groups the page came with (an edit, or a form sent back).
  tickedList.querySelectorAll("input[name=attendees]").forEach(function (box) {
    if (box.checked) {
      otherMembers.set(Number(box.value), memberFromBox(box));
    }
  });
  results.textContent = "";
  hostButtons.hidden = hostBoxes().length === 0;
  toggleCancelReason();
  renderTicked();
  updateCounts(false);
})();
