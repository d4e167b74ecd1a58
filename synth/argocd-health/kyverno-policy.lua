-- Argo CD health of a Kyverno policies.kyverno.io policy (ValidatingPolicy, ImageValidatingPolicy),
-- read from what Kyverno v1.19's policy status controller writes: status.conditionStatus.ready is
-- true when every condition (WebhookConfigured, RBACPermissionsGranted) is True. Lua 5.1
-- (gopher-lua) with only Argo CD's base and table libraries: no string library.
local hs = {}
local cs = nil
if obj.status ~= nil then
  cs = obj.status.conditionStatus
end
if cs == nil or cs.ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Kyverno to report the policy's status"
  return hs
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
-- Admission is on unless spec.evaluation.admission.enabled is false; only then is no webhook needed.
local admission = true
local evaluation = nil
if obj.spec ~= nil then
  evaluation = obj.spec.evaluation
end
if evaluation ~= nil and evaluation.admission ~= nil and evaluation.admission.enabled == false then
  admission = false
end

local waiting = {}
local failed = {}
local met = {}
local webhook = false
for _, c in ipairs(cs.conditions or {}) do
  local text = tostring(c.type) .. ": " .. tostring(c.message or c.reason or c.status)
  if c.type == "WebhookConfigured" then
    webhook = true
  end
  if c.observedGeneration ~= nil and generation ~= nil and c.observedGeneration < generation then
    table.insert(waiting, tostring(c.type) .. ": not yet observed for generation " .. generation)
  elseif c.status == "False" and c.type == "WebhookConfigured" then
    -- Kyverno's webhook controller adds the policy shortly: wait, do not fail the sync.
    table.insert(waiting, text)
  elseif c.status == "False" then
    table.insert(failed, text)
  elseif c.status ~= "True" then
    table.insert(waiting, text)
  else
    table.insert(met, tostring(c.type))
  end
end
if admission and not webhook then
  table.insert(waiting, "WebhookConfigured: waiting for Kyverno to configure the admission webhook")
end

if #failed > 0 then
  hs.status = "Degraded"
  hs.message = table.concat(failed, "; ")
elseif #waiting > 0 then
  hs.status = "Progressing"
  hs.message = table.concat(waiting, "; ")
elseif cs.ready == true then
  hs.status = "Healthy"
  hs.message = "Ready: " .. table.concat(met, ", ")
else
  -- Kyverno always writes status.conditionStatus.message, often as "".
  hs.status = "Progressing"
  hs.message = "Kyverno reports the policy not ready"
  if cs.message ~= nil and cs.message ~= "" then
    hs.message = hs.message .. ": " .. cs.message
  end
end
return hs
