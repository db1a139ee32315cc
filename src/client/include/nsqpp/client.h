#pragma once
// Umbrella header of the nsqpp C++ client library.
#include "nsqpp/config.h"
#include "nsqpp/consumer.h"
#include "nsqpp/error.h"
#include "nsqpp/handler.h"
#include "nsqpp/message.h"
#include "nsqpp/producer.h"
#include "nsqpp/version.h"
