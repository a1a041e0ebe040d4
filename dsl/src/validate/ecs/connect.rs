//! Service Connect settings ECS refuses (FF4070-FF4072), from the template reference's
//! `ServiceConnectConfiguration`, `ServiceConnectService`, `TimeoutConfiguration` and the
//! task definition's `PortMapping.AppProtocol`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-serviceconnectconfiguration.html>).

use super::*;
use crate::model::json::Field;

/// The `AppProtocol` of the port mapping named `name` in `task_props`: `Some(None)` when the
/// mapping has none (TCP), `None` when it cannot be told (no such mapping, or expressions).
fn app_protocol<'a>(task_props: Option<&'a JsonMap>, name: &str) -> Option<Option<&'a Json>> {
    for c in task_props?.field("ContainerDefinitions")?.as_array()? {
        for m in c
            .field("PortMappings")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if lit_str(m.field("Name")) == Some(name) {
                return Some(m.field("AppProtocol"));
            }
        }
    }
    None
}

pub(super) fn service_connect(
    cx: &mut Cx,
    id: &str,
    config: Option<&Json>,
    task_props: Option<&JsonMap>,
) {
    let Some(config) = config.and_then(Json::as_object) else {
        return;
    };
    let at = format!("{id}.Properties.ServiceConnectConfiguration");
    // FF4070: "To enable access logs, you must also specify a logConfiguration in the
    // serviceConnectConfiguration."
    if config.contains_key("AccessLogConfiguration") && !config.contains_key("LogConfiguration") {
        cx.report(
            rules::SERVICE_CONNECT_ACCESS_LOGS,
            Some(id),
            format!("{at}.AccessLogConfiguration"),
            "access logs are asked for without a LogConfiguration for the Service Connect proxy",
            Some("add LogConfiguration (the awslogs driver and a log group) to ServiceConnectConfiguration".into()),
        );
    }
    let Some(services) = config.field("Services").and_then(Json::as_array) else {
        return;
    };
    for (i, s) in services.iter().enumerate() {
        // FF4072: "The maximum number of client aliases that you can have in this list is 1."
        if let Some(aliases) = s.field("ClientAliases").and_then(Json::as_array)
            && aliases.len() > 1
        {
            cx.report(
                rules::SERVICE_CONNECT_CLIENT_ALIASES,
                Some(id),
                format!("{at}.Services[{i}].ClientAliases"),
                format!("{} client aliases for one served port; ECS takes at most 1", aliases.len()),
                Some("keep one client alias per ServiceConnectService; serve another named port for another alias".into()),
            );
        }
        // FF4071: "perRequestTimeout can only be set if Service Connect appProtocol isn't
        // TCP", and a port mapping without AppProtocol is TCP ("If you don't set a value for
        // this parameter, then TCP is used").
        if s.field("Timeout")
            .and_then(|t| t.field("PerRequestTimeoutSeconds"))
            .is_none()
        {
            continue;
        }
        let Some(port) = lit_str(s.field("PortName")) else {
            continue;
        };
        if let Some(None) = app_protocol(task_props, port) {
            cx.report(
                rules::SERVICE_CONNECT_TCP_TIMEOUT,
                Some(id),
                format!("{at}.Services[{i}].Timeout.PerRequestTimeoutSeconds"),
                format!("port `{port}` has no AppProtocol in the task definition, so Service Connect treats it as TCP, which takes only an idle timeout"),
                Some(format!("set AppProtocol (http, http2 or grpc) on the port mapping `{port}`, or keep only IdleTimeoutSeconds")),
            );
        }
    }
}
