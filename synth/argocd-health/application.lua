-- Argo CD health of an argoproj.io Application (a child of an App-of-Apps), so the parent's sync
-- waves wait for it: Argo CD v3.5 assesses no health for Applications on its own. Reads the
-- Application's status.health.status, status.sync.status and status.operationState. Lua 5.1
-- (gopher-lua) with only Argo CD's base and table libraries: no string library.
local hs = {}
local st = obj.status
if st == nil or st.health == nil or st.health.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Argo CD to assess the application"
  return hs
end

local op = st.operationState
if op ~= nil and (op.phase == "Running" or op.phase == "Terminating") then
  hs.status = "Progressing"
  hs.message = "Sync " .. op.phase .. (op.message and (": " .. op.message) or "")
  return hs
end
if op ~= nil and (op.phase == "Failed" or op.phase == "Error") then
  hs.status = "Degraded"
  hs.message = "Last sync " .. op.phase .. (op.message and (": " .. op.message) or "")
  return hs
end

local health = st.health.status
local sync = "Unknown"
if st.sync ~= nil and st.sync.status ~= nil then
  sync = st.sync.status
end
local automated = nil
if obj.spec ~= nil and obj.spec.syncPolicy ~= nil then
  automated = obj.spec.syncPolicy.automated
end
local auto = automated ~= nil and automated.enabled ~= false
-- The first condition Argo CD reports (ComparisonError, SyncError...) explains most states.
local why = ""
if st.conditions ~= nil and st.conditions[1] ~= nil and st.conditions[1].message ~= nil then
  why = ": " .. tostring(st.conditions[1].type) .. ": " .. st.conditions[1].message
end

if health == "Healthy" then
  if sync ~= "Synced" and auto then
    -- A resource of the child not created yet leaves it Healthy but OutOfSync: hold the wave.
    hs.status = "Progressing"
    hs.message = "Healthy but " .. sync .. ", waiting for the automated sync" .. why
  elseif sync ~= "Synced" then
    -- Manual sync: a person syncs it; an OutOfSync child must not block its siblings forever.
    hs.status = "Healthy"
    hs.message = "Healthy, " .. sync .. " until someone syncs it (manual sync)"
  else
    hs.status = "Healthy"
    hs.message = "Healthy and Synced"
  end
elseif health == "Missing" then
  hs.status = "Progressing"
  hs.message = "Resources missing, " .. sync .. why
elseif health == "Degraded" or health == "Suspended" or health == "Progressing" then
  hs.status = health
  hs.message = health .. ", " .. sync .. why
else
  hs.status = "Unknown"
  hs.message = "Health " .. tostring(health) .. ", " .. sync .. why
end
return hs
